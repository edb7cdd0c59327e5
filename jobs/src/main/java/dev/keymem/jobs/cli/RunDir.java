package dev.keymem.jobs.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.EnumSet;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.LongSupplier;

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
        Path d = createDirectory(tmp, PREFIX + command + MARK, () -> ThreadLocalRandom.current().nextLong());
        Files.writeString(d.resolve("pid"), String.valueOf(ProcessHandle.current().pid()), StandardCharsets.UTF_8);
        Files.createDirectories(d.resolve("io"));
        return new RunDir(d);
    }

    /**
     * A new directory {@code dir/prefix + N}, N a random unsigned long in decimal, made as
     * {@link Files#createTempDirectory(Path, String)} makes one (JDK 17's {@code TempFileHelper}): owner-only
     * permissions ({@code rwx------}) where {@code dir} is on the default file system and it is POSIX, and another N
     * where the name exists (the directory is made by one atomic {@link Files#createDirectory}, so an existing
     * name, or a link put there, is never used); a prefix that makes a name with a parent ({@code a/b}, {@code ../x},
     * {@code /x}: not a plain file name) is refused with {@link IllegalArgumentException}, as the JDK refuses it, so
     * the directory is always a child of {@code dir}. The one difference is where N comes from: {@code names}
     * (memctl: {@link ThreadLocalRandom}) rather than the helper's {@link java.security.SecureRandom}, whose
     * first use seeds the JDK's default PRNG: ~12 ms of a 20-record run's CPU, and nothing else in a run asks
     * for one (docs/benchmarks.md, "Start-up, round 24").
     */
    static Path createDirectory(Path dir, String prefix, LongSupplier names) throws IOException {
        FileAttribute<?>[] attrs = new FileAttribute<?>[0];
        if (dir.getFileSystem() == FileSystems.getDefault()
                && FileSystems.getDefault().supportedFileAttributeViews().contains("posix")) {
            attrs = new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(EnumSet.of(
                    PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE, PosixFilePermission.OWNER_EXECUTE))};
        }
        while (true) {
            Path name = dir.getFileSystem().getPath(prefix + Long.toUnsignedString(names.getAsLong()));
            if (name.getParent() != null) {
                throw new IllegalArgumentException("Invalid prefix or suffix"); // the JDK's words
            }
            Path d = dir.resolve(name);
            try {
                return Files.createDirectory(d, attrs);
            } catch (FileAlreadyExistsException e) {
                // taken: another name
            }
        }
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
