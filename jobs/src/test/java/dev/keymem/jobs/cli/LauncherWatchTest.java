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
            Path ready = dir.resolve("ready.part");
            Files.writeString(ready, String.valueOf(ProcessHandle.current().pid()));
            Files.move(ready, dir.resolve("ready"), java.nio.file.StandardCopyOption.ATOMIC_MOVE); // read whole
            Thread.sleep(60_000);
        }
    }

    /** A Kafka run's handlers: the watch's stop, then a SIGTERM (as a stop of the whole group gives both). */
    public static final class JoinProbe {
        public static void main(String[] args) throws Exception {
            StopOnSignal stop = StopOnSignal.install(Path.of(args[0]), "probe", System.err);
            System.err.println("requested: " + StopOnSignal.requestStop("the launcher (pid 0) ended"));
            System.err.println("again: " + StopOnSignal.requestStop("the launcher (pid 0) ended"));
            sun.misc.Signal.raise(new sun.misc.Signal("TERM"));
            Thread.sleep(1000);
            System.err.println("alive, stopping: " + stop.stopping());
            stop.uninstall();
            System.err.println("after uninstall: " + StopOnSignal.requestStop("x"));
        }
    }

    private static Process shell(Path dir, boolean export) throws Exception {
        return shell(dir, export ? "$$" : null);
    }

    private static Process shell(Path dir, String launcherPid) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String script = (launcherPid != null ? "export " + LauncherWatch.ENV + "=" + launcherPid + "; " : "")
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
    void aLauncherGoneBeforeTheJvmStartsWatchingCountsAsEnded(@TempDir Path dir) throws Exception {
        Process bash = shell(dir, "1"); // not this JVM's parent: the launcher it names has ended already
        // The probe may stop before it writes its pid (the watch stops it at once), so wait for the shell, which
        // waits for the probe; a probe left running would sleep 60 s, past this wait.
        assertTrue(bash.waitFor(45, TimeUnit.SECONDS), () -> "the probe stopped: " + read(dir.resolve("err")));
        assertTrue(Files.exists(dir.resolve("stopped")));
        assertEquals(List.of("memctl: the launcher (pid 1) ended; stopping as on SIGTERM"),
                Files.readAllLines(dir.resolve("err")));
    }

    @Test
    void aSignalAfterTheWatchsStopJoinsItInsteadOfExitingAtOnce(@TempDir Path dir) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process p = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), JoinProbe.class.getName(),
                dir.resolve("savepoints").toString()).redirectErrorStream(true)
                .redirectOutput(dir.resolve("out").toFile()).start();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        List<String> lines = Files.readAllLines(dir.resolve("out"));
        assertEquals(0, p.exitValue(), String.join("\n", lines)); // 130: the signal was taken for a second one
        assertEquals(List.of("probe: the launcher (pid 0) ended: stopping with a savepoint in "
                        + dir.resolve("savepoints"), "requested: true", "again: true",
                "probe: SIGTERM: a stop with a savepoint is under way (again to exit at once)",
                "alive, stopping: true", "after uninstall: false"),
                lines.stream().filter(l -> !l.startsWith("SLF4J") && !l.startsWith("WARNING")).toList());
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
