package dev.keymem.jobs.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.LongSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link RunDir#createDirectory} against its reference, {@link Files#createTempDirectory(Path, String)}: the same
 * place, the same name shape, the same permissions, and another name where one is taken (also by a link).
 */
class RunDirTest {

    private static final String PREFIX = RunDir.PREFIX + "logs" + RunDir.MARK;

    @Test
    void aRunDirectoryIsMadeAsTheJdksTemporaryDirectory(@TempDir Path tmp) throws Exception {
        Path reference = Files.createTempDirectory(tmp, PREFIX);
        for (int i = 0; i < 20; i++) {
            Path made = RunDir.createDirectory(tmp, PREFIX, () -> ThreadLocalRandom.current().nextLong());
            assertEquals(tmp, made.getParent());
            assertTrue(Files.isDirectory(made, LinkOption.NOFOLLOW_LINKS));
            String name = made.getFileName().toString();
            String refName = reference.getFileName().toString();
            assertTrue(name.startsWith(PREFIX) && refName.startsWith(PREFIX), name);
            String n = name.substring(PREFIX.length());
            assertTrue(n.matches("[0-9]{1,20}"), n);
            assertEquals(n, Long.toUnsignedString(Long.parseUnsignedLong(n)));
            if (Files.getFileStore(tmp).supportsFileAttributeView("posix")) {
                assertEquals(Files.getPosixFilePermissions(reference), Files.getPosixFilePermissions(made));
            }
            try (var files = Files.list(made)) {
                assertEquals(0, files.count());
            }
        }
    }

    @Test
    void aTakenNameOrALinkThereGivesAnotherName(@TempDir Path tmp) throws Exception {
        Path taken = Files.createDirectory(tmp.resolve(PREFIX + "5"));
        Files.writeString(taken.resolve("keep"), "x");
        Path elsewhere = Files.createDirectory(tmp.resolve("elsewhere"));
        Path link = Files.createSymbolicLink(tmp.resolve(PREFIX + "18446744073709551615"), elsewhere);
        ArrayDeque<Long> names = new ArrayDeque<>(List.of(5L, -1L, 5L, 7L, 9L));
        LongSupplier next = names::removeFirst;
        Path made = RunDir.createDirectory(tmp, PREFIX, next);
        assertEquals(tmp.resolve(PREFIX + "7"), made);
        assertEquals(List.of(9L), List.copyOf(names));
        assertEquals("x", Files.readString(taken.resolve("keep")));
        assertTrue(Files.isSymbolicLink(link));
        try (var files = Files.list(elsewhere)) {
            assertEquals(0, files.count());
        }
    }

    /**
     * A prefix that is not a plain file name is refused as {@link Files#createTempDirectory(Path, String)} refuses it
     * (IllegalArgumentException), and nothing is made outside {@code dir} or below it; {@code ..} alone makes the
     * plain name {@code ..N}, as the JDK's does.
     */
    @Test
    void aPrefixWithAParentIsRefusedAsTheJdkRefusesIt(@TempDir Path tmp) throws Exception {
        Path dir = Files.createDirectory(tmp.resolve("dir"));
        Files.createDirectory(dir.resolve("a"));
        for (String prefix : new String[] {"../x", "a/b", "/x", "../", "a/"}) {
            assertThrows(IllegalArgumentException.class, () -> Files.createTempDirectory(dir, prefix), prefix);
            assertThrows(IllegalArgumentException.class, () -> RunDir.createDirectory(dir, prefix, () -> 3L), prefix);
        }
        try (var files = Files.list(tmp)) {
            assertEquals(List.of(dir), files.toList());
        }
        try (var files = Files.list(dir.resolve("a"))) {
            assertEquals(0, files.count());
        }
        Path jdk = Files.createTempDirectory(dir, "..");
        assertEquals(dir, jdk.getParent());
        Path made = RunDir.createDirectory(dir, "..", () -> 3L);
        assertEquals(dir.resolve("..3"), made);
        assertTrue(Files.isDirectory(made, LinkOption.NOFOLLOW_LINKS));
    }
}
