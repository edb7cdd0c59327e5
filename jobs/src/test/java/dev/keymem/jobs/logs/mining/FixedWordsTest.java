package dev.keymem.jobs.logs.mining;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keymem.jobs.text.ShapeLines;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * {@link FixedWords#census} (one pass) against {@code indexOf} per word, and {@link MessageValues#values} (through the
 * census) against {@link MessageValues#valuesIndexOf} (the form before) and {@link MessageValues#valuesReference}
 * (the regexes), byte for byte, on loghub_2k's lines, the format samples, ShapeLines' shapes, and adversarial lines:
 * the words glued, cut at every character, next to non-ASCII, Latin-1 and surrogate chars and line terminators.
 */
class FixedWordsTest {
    private static final String[] ODD = {"é", "\u00ff", "?", "漢", "\uD83D\uDE00", "\uD83D", "\uDE00", "\n", "\r\n",
        "\u0085", "\u2028", "\t", " ", "  ", "\"", "'", ":", "/", ")", "(", "]", "[", ">", "<*>", "<PATH>", "0", "42",
        "x", "S", "P", "d f", "\u0000", "\u00a0"};

    @Test
    void censusIsIndexOfPerWord() throws IOException {
        List<String> lines = corpus();
        long found = 0;
        for (String s : lines) {
            long bits = FixedWords.census(s);
            assertEquals(FixedWords.censusReference(s), bits, s);
            found += Long.bitCount(bits);
        }
        assertTrue(found > 5_000, found + " words found");
        for (int k = 0; k < FixedWords.WORDS.length; k++) {
            String w = FixedWords.WORDS[k];
            // each word alone, at the start, at the end, and cut at every character (no word is found in a cut one
            // unless another word is in it: the reference decides)
            for (String s : List.of(w, "x" + w, w + "x", "é" + w + "漢", "\uD83D\uDE00" + w)) {
                assertEquals(1L << k, FixedWords.census(s) & 1L << k, s);
                assertEquals(FixedWords.censusReference(s), FixedWords.census(s), s);
            }
            for (int cut = 0; cut < w.length(); cut++) {
                String s = w.substring(0, cut) + "é" + w.substring(cut + 1);
                assertEquals(FixedWords.censusReference(s), FixedWords.census(s), s);
                s = w.substring(0, cut);
                assertEquals(FixedWords.censusReference(s), FixedWords.census(s), s);
            }
        }
        assertEquals(0, FixedWords.census(""));
        // a digit, a blank and a capital letter (not a word: the reason phrases' pre-check)
        for (String s : List.of("404 Not", "4 N", "x4 Z", "4 a", "4 @", "4 [", "é4 N", "4  N", "4\tN", "a N", "4 ",
                "4 \uD83D\uDE00", "\u0664 N", "4 \u00c9")) {
            assertEquals(FixedWords.censusReference(s), FixedWords.census(s), s);
        }
        assertEquals(1L << FixedWords.DIGIT_BLANK_CAPITAL, FixedWords.census("x 404 Not") & 1L << FixedWords.DIGIT_BLANK_CAPITAL);
    }

    /**
     * {@link FixedWords#mayFind}'s table is sound: where it says no, {@link FixedWords#pairAt} finds nothing, for
     * every pair with a row, every third byte, and the rest of the text each word of the row (with that third byte)
     * or a blank; and where the text ends after the pair it says yes.
     */
    @Test
    void thirdByteSkipsOnlyWherePairAtFindsNothing() {
        int skipped = 0;
        for (int first = 0; first < 256; first++) {
            for (int second = 0; second < 256; second++) {
                int row = FixedWords.pairRow(first, second);
                if (row == 0) {
                    continue;
                }
                assertTrue(FixedWords.mayFind(new byte[] {(byte) first, (byte) second}, 0, row - 1));
                for (int third = 0; third < 256; third++) {
                    List<byte[]> texts = new ArrayList<>();
                    texts.add(new byte[] {(byte) first, (byte) second, (byte) third, ' ', 'A'});
                    for (String w : FixedWords.WORDS) {
                        byte[] t = (w + "   ").getBytes(StandardCharsets.ISO_8859_1);
                        t[0] = (byte) first;
                        t[1] = (byte) second;
                        t[2] = (byte) third;
                        texts.add(t);
                    }
                    for (byte[] t : texts) {
                        if (!FixedWords.mayFind(t, 0, row - 1)) {
                            skipped++;
                            assertEquals(0L, FixedWords.pairAt(t, 0, row - 1, 0L), first + " " + second + " " + third);
                        }
                    }
                }
            }
        }
        assertTrue(skipped > 100_000, skipped + " skipped");
    }

    /** The third-byte table, filled a row at a time, is its definition's, entry by entry. */
    @Test
    void thirdByteTableIsItsDefinition() {
        int set = 0;
        for (int r = 0; r < FixedWords.rows(); r++) {
            for (int third = 0; third < 256; third++) {
                assertEquals(FixedWords.thirdReference(r, third), FixedWords.third(r, third), r + " " + third);
                set += FixedWords.third(r, third) ? 1 : 0;
            }
        }
        assertTrue(set > 0 && set < FixedWords.rows() * 256, set + " set");
    }

    @Test
    void gatesPassTakesTheCensusToo() throws IOException {
        List<String> lines = new java.util.ArrayList<>(corpus());
        for (String w : FixedWords.WORDS) {
            for (String odd : ODD) {
                lines.add(w + odd);
                lines.add(odd + w);
                lines.add(odd + w.substring(0, w.length() - 1) + odd);
            }
        }
        lines.addAll(List.of("", "/", "x/", "4 N", "d f", " state", "Key (", "{\"", " {\"", "nt:", "6:"));
        for (String s : lines) {
            FixedWords.Holder h = new FixedWords.Holder();
            assertEquals(MessageValues.gatesReference(s), h.start(s), s);
            for (int k = 0; k <= FixedWords.DIGIT_BLANK_CAPITAL; k++) {
                // the census kept for s itself: taken in the gates' pass, not again
                assertEquals((FixedWords.censusReference(s) & 1L << k) != 0, h.has(s, k), s + " word " + k);
            }
            assertEquals(MessageValues.gatesReference(s), MessageValues.gates(s), s);
        }
    }

    /**
     * The gates' pass through one table ({@code MessageValues.STEP}) gives the gates and the census of the pass with
     * two lookups a byte ({@link MessageValues#gatesTwoTables}), on the corpus and on random texts of the words, their
     * pieces and odd chars (last bytes, NULs and bytes beyond ASCII among them).
     */
    @Test
    void gatesOneTableAreTheTwoTables() throws IOException {
        List<String> lines = new java.util.ArrayList<>(corpus());
        java.util.SplittableRandom r = new java.util.SplittableRandom(5);
        for (int k = 0; k < 50_000; k++) {
            StringBuilder sb = new StringBuilder();
            for (int j = r.nextInt(8); j >= 0; j--) {
                String w = FixedWords.WORDS[r.nextInt(FixedWords.WORDS.length)];
                sb.append(r.nextBoolean() ? w : w.substring(r.nextInt(w.length())));
                sb.append(ODD[r.nextInt(ODD.length)]);
            }
            lines.add(sb.substring(r.nextInt(sb.length() + 1)));
        }
        for (String s : lines) {
            byte[] b = s.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
            FixedWords.Holder one = new FixedWords.Holder();
            FixedWords.Holder two = new FixedWords.Holder();
            assertEquals(MessageValues.gatesTwoTables(b, two), MessageValues.gates(b, one), s);
            for (int k = 0; k <= FixedWords.DIGIT_BLANK_CAPITAL; k++) {
                assertEquals(two.bitsKept() >>> k & 1, one.bitsKept() >>> k & 1, s + " word " + k);
            }
            assertEquals(FixedWords.census(b), one.bitsKept(), s);
        }
    }

    @Test
    void valuesThroughTheCensusAreTheIndexOfFormAndTheRegexes() throws IOException {
        int changed = 0;
        List<String> lines = corpus();
        for (int i = 0; i < lines.size(); i++) {
            String s = lines.get(i);
            String v = MessageValues.values(s);
            assertEquals(MessageValues.valuesIndexOf(s), v, s);
            // the regexes on every 8th line (on all, the test takes half a minute; MessageValuesTest compares the
            // form before with them on every loghub_2k line)
            if (i % 8 == 0) {
                assertEquals(MessageValues.valuesReference(s), v, s);
            }
            changed += v.equals(s) ? 0 : 1;
        }
        // both sides exercised
        assertTrue(changed > 1_000 && changed < lines.size() - 1_000, changed + " of " + lines.size());
    }

    /** loghub_2k (where present), the format samples, ShapeLines' shapes and random glued words and odd chars. */
    static List<String> corpus() throws IOException {
        List<String> lines = new ArrayList<>();
        Path loghub = Path.of(System.getProperty("keymem.loghub", "../../shared/data/loghub_2k"));
        if (Files.isDirectory(loghub)) {
            try (Stream<Path> files = Files.walk(loghub)) {
                for (Path f : files.filter(p -> p.toString().endsWith("_2k.log")).sorted().toList()) {
                    lines.addAll(Files.readAllLines(f));
                }
            }
        } else {
            System.out.println("FixedWordsTest: no loghub_2k at " + loghub.toAbsolutePath() + ": its lines skipped");
        }
        for (String format : List.of("journalctl", "journalctl-b", "rails", "rails-b", "github-actions",
                "github-actions-b", "winevent-b", "nginx-error", "apache-error", "spring-boot", "klog", "klog-b",
                "postgres", "postgres-b", "mysql", "mysql-b", "kafka", "kafka-b", "kafka-c", "envoy", "envoy-b", "zap",
                "zap-b", "journal-iso", "journal-iso-b", "journal-iso-c", "elasticsearch", "elasticsearch-b",
                "elasticsearch-c", "dockerd", "dockerd-b", "gradle", "gradle-b", "gradle-c", "go-panic", "go-panic-b")) {
            try (InputStream in = FixedWordsTest.class.getResourceAsStream("/formats/" + format + ".log")) {
                if (in != null) {
                    for (String l : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
                        lines.add(l.substring(l.indexOf('\t') + 1));
                    }
                }
            }
        }
        SplittableRandom r = new SplittableRandom(19);
        for (int i = 0; i < 600; i++) {
            lines.add(ShapeLines.json(r));
            lines.add(ShapeLines.ids(r));
            lines.add(ShapeLines.ruleShapes(r));
        }
        for (int i = 0; i < 60; i++) {
            lines.add(ShapeLines.stack(r));
        }
        List<String> parts = new ArrayList<>(List.of(FixedWords.WORDS));
        parts.addAll(List.of(ODD));
        parts.addAll(List.of("systemd[1]: Started x.", "Processing by A#b as JSON", "Key (a)=(b)", "signal 15 (SIGTERM)",
                "received from 2, exiting", "statement: SELECT 1", "ssh2: RSA SHA256:", "process 42 (java)",
                "> Task :app:test UP-TO-DATE", "A > b() PASSED", "pod/web-1", "Created container web",
                "Scaled up replica set x", "Liveness probe failed:", "user \"x\"", "user alice1", "changed from demand start to auto start"));
        for (int i = 0; i < 8_000; i++) {
            StringBuilder sb = new StringBuilder();
            for (int k = 0, m = 1 + r.nextInt(8); k < m; k++) {
                String p = parts.get(r.nextInt(parts.size()));
                if (r.nextInt(4) == 0 && p.length() > 1) { // a word cut or with one char replaced
                    int at = r.nextInt(p.length());
                    p = r.nextBoolean() ? p.substring(0, at) : p.substring(0, at) + ODD[r.nextInt(ODD.length)]
                            + p.substring(at + 1);
                }
                sb.append(p);
            }
            lines.add(sb.toString());
        }
        return lines;
    }
}
