package dev.keymem.jobs.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.Comparator;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Finds what {@code --resume} restores: the most recent complete checkpoint or savepoint under a checkpoint
 * directory. Flink writes a checkpoint as {@code DIR/<job id>/chk-N/} and a savepoint (memctl's on Ctrl-C) as
 * {@code DIR/savepoints/savepoint-.../}; either is complete once its {@code _metadata} file exists (Flink writes
 * it last). The most recent by that file's modification time wins.
 */
final class Checkpoints {
    private Checkpoints() {
    }

    /** The directory of the latest complete checkpoint or savepoint under {@code dir}, if any. */
    static Optional<Path> latest(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            return Optional.empty();
        }
        try (Stream<Path> s = Files.find(dir, 4, (p, a) -> a.isRegularFile()
                && p.getFileName().toString().equals("_metadata"))) {
            return s.max(Comparator.comparing(Checkpoints::modified)).map(Path::getParent);
        }
    }

    private static FileTime modified(Path p) {
        try {
            return Files.getLastModifiedTime(p);
        } catch (IOException e) {
            return FileTime.fromMillis(0);
        }
    }
}
