package dev.keymem.jobs.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The one temporary directory of a memctl run, {@code memctl-COMMAND-run-XXXX} under {@code java.io.tmpdir}:
 * the embedded cluster's io.tmp.dirs (RPC system jar, minicluster_* working directories, RocksDB local
 * directories, blobs) and, unless {@code --checkpoint-dir} is given, the checkpoints. It holds a
 * {@code pid} file; it is removed when the run ends (normally, by an error, or by Ctrl-C through a shutdown
 * hook), and a directory whose process is gone (a killed run) is removed by the next run.
 */
final class RunDir implements AutoCloseable {
    static final String PREFIX = "memctl-";
    static final String MARK = "-run-";

    private final Path dir;
    private final Thread hook;

    private RunDir(Path dir) {
        this.dir = dir;
        this.hook = new Thread(() -> JobCli.deleteTree(dir), "memctl-cleanup");
        Runtime.getRuntime().addShutdownHook(hook);
    }

    /** Removes the run directories of dead processes, then creates this run's. */
    static RunDir create(String command) throws IOException {
        Path tmp = Path.of(System.getProperty("java.io.tmpdir"));
        sweep(tmp);
        Path d = Files.createTempDirectory(tmp, PREFIX + command + MARK);
        Files.writeString(d.resolve("pid"), String.valueOf(ProcessHandle.current().pid()), StandardCharsets.UTF_8);
        Files.createDirectories(d.resolve("io"));
        return new RunDir(d);
    }

    /** Deletes {@code memctl-*-run-*} directories in {@code tmp} whose pid file names a process that is gone. */
    static int sweep(Path tmp) {
        int n = 0;
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(tmp, PREFIX + "*" + MARK + "*")) {
            for (Path d : ds) {
                Path pid = d.resolve("pid");
                if (!Files.isRegularFile(pid)) {
                    continue;
                }
                try {
                    long p = Long.parseLong(Files.readString(pid, StandardCharsets.UTF_8).trim());
                    if (ProcessHandle.of(p).map(ProcessHandle::isAlive).orElse(false)) {
                        continue;
                    }
                } catch (NumberFormatException | IOException e) {
                    continue;
                }
                JobCli.deleteTree(d);
                n++;
            }
        } catch (IOException e) {
            // best effort
        }
        return n;
    }

    Path dir() {
        return dir;
    }

    /** io.tmp.dirs of the embedded cluster. */
    Path io() {
        return dir.resolve("io");
    }

    /** Checkpoints when no --checkpoint-dir is given. */
    Path checkpoints() {
        return dir.resolve("chk");
    }

    @Override
    public void close() {
        JobCli.deleteTree(dir);
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException e) {
            // shutting down: the hook runs anyway
        }
    }
}
