package dev.keymem.jobs.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A JVM started by a shell that exported {@link LauncherWatch#ENV} (as the launcher does) stops as on SIGTERM
 * when that shell is killed alone; without the variable it runs on (the orphan the launcher used to leave).
 */
class LauncherWatchTest {

    /** The child JVM: starts the watch, marks a shutdown in a file, waits. */
    public static final class Probe {
        public static void main(String[] args) throws Exception {
            Path dir = Path.of(args[0]);
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                try {
                    Files.writeString(dir.resolve("stopped"), "stopped");
                } catch (Exception e) {
                    // nothing to do
                }
            }));
            LauncherWatch.startIfLaunched(System.err);
            Files.writeString(dir.resolve("ready"), String.valueOf(ProcessHandle.current().pid()));
            Thread.sleep(60_000);
        }
    }

    private static Process shell(Path dir, boolean export) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String script = (export ? "export " + LauncherWatch.ENV + "=$$; " : "")
                + "\"$0\" -cp \"$1\" \"$3\" \"$2\" 2> \"$2/err\"; echo after $?";
        return new ProcessBuilder("bash", "-c", script, java, System.getProperty("java.class.path"), dir.toString(),
                Probe.class.getName())
                .redirectErrorStream(true).redirectOutput(dir.resolve("out").toFile()).start();
    }

    private static long readyPid(Path dir) throws Exception {
        for (int i = 0; i < 600 && !Files.exists(dir.resolve("ready")); i++) {
            Thread.sleep(50);
        }
        assertTrue(Files.exists(dir.resolve("ready")), () -> "the probe JVM started: " + read(dir.resolve("out"))
                + read(dir.resolve("err")));
        Thread.sleep(100); // the pid is written whole
        return Long.parseLong(Files.readString(dir.resolve("ready")).trim());
    }

    private static String read(Path p) {
        try {
            return Files.exists(p) ? Files.readString(p) : "";
        } catch (java.io.IOException e) {
            return e.toString();
        }
    }

    @Test
    void aJvmWhoseLauncherIsKilledAloneStops(@TempDir Path dir) throws Exception {
        Process bash = shell(dir, true);
        long probe = readyPid(dir);
        bash.destroy(); // SIGTERM to bash alone
        assertTrue(bash.waitFor(10, TimeUnit.SECONDS));
        Optional<ProcessHandle> child = ProcessHandle.of(probe);
        boolean ended = child.isEmpty() || child.get().onExit().get(20, TimeUnit.SECONDS) != null;
        assertTrue(ended);
        assertTrue(Files.exists(dir.resolve("stopped")), "the probe ran its shutdown hooks (a SIGTERM, not a kill)");
        assertEquals(List.of("memctl: the launcher (pid " + bash.pid() + ") ended; stopping as on SIGTERM"),
                Files.readAllLines(dir.resolve("err")));
    }

    @Test
    void withoutTheLaunchersVariableTheOrphanRunsOn(@TempDir Path dir) throws Exception {
        Process bash = shell(dir, false);
        long probe = readyPid(dir);
        bash.destroy();
        assertTrue(bash.waitFor(10, TimeUnit.SECONDS));
        ProcessHandle child = ProcessHandle.of(probe).orElseThrow();
        try {
            Thread.sleep(3 * LauncherWatch.POLL_MS + 1000);
            assertTrue(child.isAlive(), "nothing watches a JVM the launcher did not start");
            assertFalse(Files.exists(dir.resolve("stopped")));
        } finally {
            child.destroyForcibly();
        }
    }

    @Test
    void theLaunchersPidIsReadOrIgnored() {
        assertEquals(1234, LauncherWatch.launcherPid(" 1234 "));
        assertEquals(-1, LauncherWatch.launcherPid(null));
        assertEquals(-1, LauncherWatch.launcherPid(""));
        assertEquals(-1, LauncherWatch.launcherPid("12x"));
    }
}
