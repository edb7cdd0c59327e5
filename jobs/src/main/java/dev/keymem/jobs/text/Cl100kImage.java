package dev.keymem.jobs.text;

import java.io.IOException;
import java.net.JarURLConnection;
import java.net.URL;
import java.net.URLConnection;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.jar.JarEntry;
import java.util.zip.CRC32;

import org.apache.flink.annotation.Internal;

/**
 * An image of {@link Cl100kBpe}'s tables (every token's bytes, their offsets, the rank table) in a file, so that a
 * run starts its encoder by reading the file instead of inflating jtokkit's 1.6 MB ranks resource from the jar
 * and decoding and hashing its 100,256 lines (~35-45 ms of a 20-line log run, more at its start under C1's
 * compilations). The build writes the image beside memctl.jar ({@link #write}, from the class archive's training
 * run); the launcher names it in the system property {@value #PROPERTY}.
 *
 * <p>Contract: an image gives the tables that {@code Cl100kBpe.parse} makes of jtokkit's ranks resource on the class
 * path, or nothing. It records the CRC-32 and size of the ranks entry it was made from (read from the jar's
 * directory, nothing inflated), {@code Cl100kBpe.layout()} (how the writing build's encoder lays out its slot table:
 * table size, hash, probing) and a CRC-32 of itself; {@link #load} takes it only where all three match (another
 * jtokkit, another build's table layout, a damaged or truncated file, a file of another format: none) and where
 * {@value #CHECKS} ranks spread over the table, looked up by their bytes through the loaded table, give back
 * themselves (a layout the fingerprint misses); else the encoder parses the resource as before. The launcher
 * names only an image newer than the jar. Parsing stays the reference: {@code Cl100kImageTest} compares the tables
 * and the ids.
 *
 * <p>Written by hand: no library stores these arrays (they are ours); the format is a header, the arrays little
 * endian, and a CRC-32.
 */
@Internal
public final class Cl100kImage {
    /** The system property naming the image file to read (empty or unset: none). */
    public static final String PROPERTY = "keymem.cl100k.image";

    private static final byte[] MAGIC = {'K', 'M', 'C', 'L', '1', '0', '0', 'K'};
    private static final int VERSION = 2;
    /** magic, version, source CRC and size, table layout, tokens, bytes, longest token, slots. */
    private static final int HEADER = 8 + 4 + 8 + 8 + 4 + 4 + 4 + 4 + 4;
    /** How many ranks {@link #read} looks up through the table it read. */
    static final int CHECKS = 48;

    private Cl100kImage() {
    }

    /**
     * Writes the image of jtokkit's ranks on the class path to {@code file} (a temporary file beside it, then moved
     * into place, so that a reader never sees half of one).
     */
    public static void write(Path file) throws IOException {
        Source source = source();
        if (source == null) {
            throw new IOException("jtokkit's " + Cl100kBpe.RANKS + " is not a jar entry of known CRC and size");
        }
        byte[] image = image(Cl100kBpe.parse(Cl100kBpe.ranksFile()), source.crc, source.size);
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp." + ProcessHandle.current().pid());
        try {
            Files.write(tmp, image);
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /** The encoder of the image {@value #PROPERTY} names, where it is one of the ranks on the class path; else null. */
    static Cl100kBpe load() {
        String name = System.getProperty(PROPERTY, "");
        if (name.isEmpty()) {
            return null;
        }
        Source source = source();
        if (source == null) {
            return null;
        }
        // mapped, not read: Files.readAllBytes reads through a zeroed temporary direct buffer of the file's size
        try (FileChannel ch = FileChannel.open(Path.of(name), StandardOpenOption.READ)) {
            long size = ch.size();
            if (size > Integer.MAX_VALUE) {
                return null;
            }
            return read(ch.map(FileChannel.MapMode.READ_ONLY, 0, size), source.crc, source.size);
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /** The ranks entry's CRC-32 and size, from its jar's directory; null where it is not a jar entry or has none. */
    private static Source source() {
        URL url = com.knuddels.jtokkit.Encodings.class.getResource(Cl100kBpe.RANKS);
        if (url == null) {
            return null;
        }
        try {
            URLConnection conn = url.openConnection();
            if (!(conn instanceof JarURLConnection)) {
                return null;
            }
            JarEntry e = ((JarURLConnection) conn).getJarEntry();
            if (e == null || e.getCrc() < 0 || e.getSize() < 0) {
                return null;
            }
            return new Source(e.getCrc(), e.getSize());
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    private record Source(long crc, long size) {
    }

    /** The image of {@code b}'s tables, made from a ranks resource of that CRC-32 and size. */
    static byte[] image(Cl100kBpe b, long sourceCrc, long sourceSize) {
        int n = b.tokens;
        int length = b.offsets[n];
        ByteBuffer out = ByteBuffer.allocate(HEADER + length + 4 * (n + 1) + 4 * b.slots.length + 4)
                .order(ByteOrder.LITTLE_ENDIAN);
        out.put(MAGIC).putInt(VERSION).putLong(sourceCrc).putLong(sourceSize).putInt(Cl100kBpe.layout())
                .putInt(n).putInt(length).putInt(b.maxLength).putInt(b.slots.length);
        out.put(b.bytes, 0, length);
        out.asIntBuffer().put(b.offsets, 0, n + 1);
        out.position(out.position() + 4 * (n + 1));
        out.asIntBuffer().put(b.slots);
        out.position(out.position() + 4 * b.slots.length);
        CRC32 crc = new CRC32();
        crc.update(out.array(), 0, out.position());
        out.putInt((int) crc.getValue());
        return out.array();
    }

    /**
     * The encoder of image {@code f} where it is a whole image of this format and table layout made from a ranks
     * resource of that CRC-32 and size, whose table gives back the ranks it is asked for; else null.
     */
    static Cl100kBpe read(byte[] f, long sourceCrc, long sourceSize) {
        return read(ByteBuffer.wrap(f), sourceCrc, sourceSize);
    }

    /** As {@link #read(byte[], long, long)}, of the image in {@code f} (position 0 to its limit). */
    static Cl100kBpe read(ByteBuffer f, long sourceCrc, long sourceSize) {
        int end = f.limit();
        if (end < HEADER + 4) {
            return null;
        }
        ByteBuffer in = f.duplicate().order(ByteOrder.LITTLE_ENDIAN);
        byte[] magic = new byte[MAGIC.length];
        in.get(magic);
        if (!Arrays.equals(magic, MAGIC) || in.getInt() != VERSION || in.getLong() != sourceCrc
                || in.getLong() != sourceSize || in.getInt() != Cl100kBpe.layout()) {
            return null;
        }
        int n = in.getInt();
        int length = in.getInt();
        int maxLength = in.getInt();
        int slots = in.getInt();
        if (n < 1 || length < n || maxLength < 1 || slots < 2 * n || Integer.bitCount(slots) != 1
                || (long) HEADER + length + 4L * (n + 1) + 4L * slots + 4 != end) {
            return null;
        }
        CRC32 crc = new CRC32();
        crc.update(in.duplicate().position(0).limit(end - 4));
        if ((int) crc.getValue() != in.getInt(end - 4)) {
            return null;
        }
        byte[] bytes = new byte[length];
        in.get(bytes);
        int[] offsets = new int[n + 1];
        in.asIntBuffer().get(offsets);
        in.position(in.position() + 4 * (n + 1));
        int[] table = new int[slots];
        in.asIntBuffer().get(table);
        if (offsets[0] != 0 || offsets[n] != length) {
            return null;
        }
        Cl100kBpe b = new Cl100kBpe(bytes, offsets, table, n, maxLength);
        return findsItsTokens(b) ? b : null;
    }

    /**
     * Whether {@value #CHECKS} ranks spread from the first to the last, looked up by their bytes through {@code b}'s
     * table, give back themselves: a table laid out by another hash or probing loses most of them.
     */
    private static boolean findsItsTokens(Cl100kBpe b) {
        int n = b.tokens;
        for (int k = 0; k < CHECKS; k++) {
            int r = (int) ((long) k * (n - 1) / (CHECKS - 1));
            if (b.offsets[r] > b.offsets[r + 1] || b.rank(b.bytes, b.offsets[r], b.offsets[r + 1]) != r) {
                return false;
            }
        }
        return true;
    }
}
