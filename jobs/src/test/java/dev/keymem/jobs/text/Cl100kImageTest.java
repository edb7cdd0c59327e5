package dev.keymem.jobs.text;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.jar.JarEntry;
import java.util.zip.CRC32;

import com.knuddels.jtokkit.Encodings;
import com.knuddels.jtokkit.api.Encoding;
import com.knuddels.jtokkit.api.EncodingType;
import dev.keymem.jobs.sample.LogGenerator;
import dev.keymem.jobs.testdata.Loghub;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link Cl100kImage}: an image gives the tables that parsing jtokkit's ranks gives (the reference) and jtokkit's ids
 * on real log lines; an image of other ranks, of another table layout, a damaged or a cut one gives nothing.
 */
class Cl100kImageTest {

    private static final Encoding JTOKKIT = Encodings.newLazyEncodingRegistry().getEncoding(EncodingType.CL100K_BASE);

    @TempDir
    Path dir;

    /** The ranks resource's CRC-32 and size, computed from its bytes (the image takes the jar directory's). */
    private static long[] source() throws Exception {
        byte[] f = Cl100kBpe.ranksFile();
        CRC32 crc = new CRC32();
        crc.update(f);
        JarEntry e = ((java.net.JarURLConnection) Encodings.class.getResource(Cl100kBpe.RANKS).openConnection())
                .getJarEntry();
        assertEquals(crc.getValue(), e.getCrc(), "the jar's CRC of the ranks");
        assertEquals(f.length, e.getSize());
        return new long[] {crc.getValue(), f.length};
    }

    @Test
    void anImageWrittenAndLoadedGivesTheParsedTablesAndJtokkitsIds() throws Exception {
        Path file = dir.resolve("memctl-cl100k.bin");
        Cl100kImage.write(file);
        Cl100kBpe parsed = Cl100kBpe.parse(Cl100kBpe.ranksFile());
        String before = System.getProperty(Cl100kImage.PROPERTY);
        Cl100kBpe loaded;
        try {
            System.setProperty(Cl100kImage.PROPERTY, file.toString());
            loaded = Cl100kImage.load();
        } finally {
            if (before == null) {
                System.clearProperty(Cl100kImage.PROPERTY);
            } else {
                System.setProperty(Cl100kImage.PROPERTY, before);
            }
        }
        assertNotNull(loaded, "the image of this jtokkit's ranks");
        assertEquals(parsed.tokens, loaded.tokens);
        assertEquals(parsed.maxLength, loaded.maxLength);
        assertArrayEquals(parsed.bytes, loaded.bytes);
        assertArrayEquals(parsed.offsets, loaded.offsets);
        assertArrayEquals(parsed.slots, loaded.slots);

        // every 8th loghub_2k line (all 14 sets; Cl100kBpeTest checks every line of the parsed tables), generated ones
        List<String> all = Loghub.lines("Cl100kImageTest");
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < all.size(); i += 8) {
            lines.add(all.get(i));
        }
        lines.addAll(new LogGenerator(7).generate(1_000).lines);
        LineMasker masker = new LineMasker();
        for (String line : lines) {
            for (String text : new String[] {line, masker.mask(line)}) {
                assertArrayEquals(JTOKKIT.encodeOrdinary(text).toArray(), loaded.encode(text), () -> "ids of " + text);
            }
        }
    }

    @Test
    void anImageOfAnotherTableLayoutOfTheSameRanksGivesNothing() throws Exception {
        long[] src = source();
        Cl100kBpe parsed = Cl100kBpe.parse(Cl100kBpe.ranksFile());
        // the same tokens, the slot table as another build's hash or probing would lay it out (here: shifted by one
        // slot), written whole with its CRC: a stale image beside a rebuilt jar of the same jtokkit
        int[] shifted = new int[parsed.slots.length];
        for (int i = 0; i < shifted.length; i++) {
            shifted[(i + 1) % shifted.length] = parsed.slots[i];
        }
        Cl100kBpe other = new Cl100kBpe(parsed.bytes, parsed.offsets, shifted, parsed.tokens, parsed.maxLength);
        assertNull(Cl100kImage.read(Cl100kImage.image(other, src[0], src[1]), src[0], src[1]));
        assertNotNull(Cl100kImage.read(Cl100kImage.image(parsed, src[0], src[1]), src[0], src[1]));
    }

    @Test
    void anImageOfOtherRanksADamagedOrACutOneGivesNothing() throws Exception {
        long[] src = source();
        byte[] image = Cl100kImage.image(Cl100kBpe.parse(Cl100kBpe.ranksFile()), src[0], src[1]);
        assertNotNull(Cl100kImage.read(image, src[0], src[1]));
        assertNull(Cl100kImage.read(image, src[0] ^ 1, src[1]), "another CRC of the ranks");
        assertNull(Cl100kImage.read(image, src[0], src[1] + 1), "another size of the ranks");
        for (int at : new int[] {0, 9, 40, 5_000, image.length / 2, image.length - 100, image.length - 1}) {
            byte[] damaged = image.clone();
            damaged[at] ^= 0x10;
            assertNull(Cl100kImage.read(damaged, src[0], src[1]), () -> "a bit flipped at " + at);
        }
        assertNull(Cl100kImage.read(Arrays.copyOf(image, image.length - 4), src[0], src[1]), "cut");
        assertNull(Cl100kImage.read(new byte[0], src[0], src[1]), "empty");

        Path file = dir.resolve("cut.bin");
        Files.write(file, Arrays.copyOf(image, 1000));
        String before = System.getProperty(Cl100kImage.PROPERTY);
        try {
            System.setProperty(Cl100kImage.PROPERTY, file.toString());
            assertNull(Cl100kImage.load(), "a cut file");
            System.setProperty(Cl100kImage.PROPERTY, dir.resolve("missing.bin").toString());
            assertNull(Cl100kImage.load(), "no file");
        } finally {
            if (before == null) {
                System.clearProperty(Cl100kImage.PROPERTY);
            } else {
                System.setProperty(Cl100kImage.PROPERTY, before);
            }
        }
    }
}
