package dev.keymem.jobs.text;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import dev.keymem.jobs.testdata.Loghub;
import org.junit.jupiter.api.Test;

/**
 * The fast forms inside {@link TextFrontEnd#encode} against the forms they replaced, bit for bit: the tokenizer's
 * ASCII path ({@link Tokenizer#encodeCut} on a fresh tokenizer against {@link Tokenizer#cutUncachedReference}) and
 * {@link HashingEmbedder#embedTokens} against {@link HashingEmbedder#embedTokensReference}, on every loghub_2k line
 * (raw and masked), the samples' lines, generated shape lines and adversarial text (non-ASCII, lone surrogates,
 * long tokens, digit runs, texts at the token limit).
 */
class EncodeFastFormsTest {

    private static List<String> texts;

    /** The texts, made once for both tests (masking every loghub_2k line takes seconds). */
    private static synchronized List<String> texts() throws Exception {
        if (texts == null) {
            texts = makeTexts();
        }
        return texts;
    }

    private static List<String> makeTexts() throws Exception {
        List<String> raw = new ArrayList<>(Loghub.lines("EncodeFastFormsTest"));
        Path samples = Path.of("../samples/logs/services.log");
        if (Files.isRegularFile(samples)) {
            raw.addAll(Files.readAllLines(samples, StandardCharsets.UTF_8));
        } else {
            System.out.println("EncodeFastFormsTest: no ../samples/logs/services.log; its lines not checked");
        }
        SplittableRandom r = new SplittableRandom(19);
        for (int i = 0; i < 600; i++) {
            raw.add(ShapeLines.kv(r));
            raw.add(ShapeLines.json(r));
            raw.add(ShapeLines.ids(r));
            if (i % 10 == 0) {
                raw.add(ShapeLines.stack(r));
            }
        }
        raw.addAll(adversarial(r));
        LineMasker masker = new LineMasker();
        List<String> out = new ArrayList<>();
        for (String s : raw) {
            out.add(s);
            out.add(masker.mask(s));
        }
        return out;
    }

    private static List<String> adversarial(SplittableRandom r) {
        List<String> out = new ArrayList<>(List.of("", " ", "?", "a?b", "\uD800", "x\uD800y?", "\uDC00?", "😀 ok",
                "a😀b?", "Grüße, 漢字 und 1234567890", "é", "\r\n\t", "'s 'll 've 're", "<|endoftext|>"));
        String alphabet = "aZ09 _-.:/?=\"'\t\r\nçé漢😀\uD800\uDFFF";
        for (int i = 0; i < 400; i++) {
            int n = r.nextInt(1, 700);
            StringBuilder sb = new StringBuilder(n);
            for (int k = 0; k < n; k++) {
                sb.append(alphabet.charAt(r.nextInt(alphabet.length())));
            }
            out.add(sb.toString());
        }
        for (int n : new int[] {1, 7, 127, 128, 129, 500, 511, 512, 513, 1024, 4000}) {
            out.add("x".repeat(n));
            out.add("9".repeat(n));
            out.add("ab1".repeat(n / 3 + 1));
            out.add("z".repeat(n - 1) + "é");
            out.add(" ".repeat(n));
            StringBuilder digits = new StringBuilder();
            while (digits.length() < n) {
                digits.append(r.nextLong()).append(r.nextBoolean() ? "" : " ");
            }
            out.add(digits.toString());
        }
        return out;
    }

    @Test
    void tokenizerAsciiPathGivesTheReferenceCut() throws Exception {
        List<String> texts = texts();
        int checked = 0;
        for (int limit : new int[] {512, 64, 7}) {
            for (int i = limit == 512 ? 0 : limit % 5; i < texts.size(); i += limit == 512 ? 1 : 5) {
                String t = texts.get(i);
                Tokenizer fresh = Tokenizer.cl100k(limit);
                String[] keptFast = new String[1];
                String[] keptRef = new String[1];
                Tokenizer.Cut fast = fresh.encodeCut(t, keptFast);
                Tokenizer.Cut ref = Tokenizer.cl100k(limit).cutUncachedReference(t, keptRef);
                assertArrayEquals(ref.ids(), fast.ids(), () -> "ids of '" + t + "' at " + limit);
                assertEquals(ref.truncated(), fast.truncated(), () -> "cut of '" + t + "' at " + limit);
                assertEquals(keptRef[0], keptFast[0], () -> "text kept of '" + t + "' at " + limit);
                checked++;
            }
        }
        assertTrue(checked > 4000, "texts checked: " + checked);
        System.out.println("EncodeFastFormsTest: " + checked + " cuts equal the reference's");
    }

    /**
     * {@link Cl100kBpe#encodeAsciiPrefix} at every window around where the limit's last piece ends (the window deciding
     * the cut, running out before it, ending in a white-space run or just past the piece) against the reference cut:
     * the same ids, cut and text kept, or null only where the window or the text is not all ASCII. Texts: every text
     * of the corpus longer than the limit's window, and generated ones with long white-space and newline runs,
     * contractions and a char above ASCII after the window.
     */
    @Test
    void prefixWindowGivesTheReferenceCutAtEveryWindow() throws Exception {
        List<String> long_ = new ArrayList<>();
        for (String t : texts()) {
            if (t.length() > 40) {
                long_.add(t);
            }
        }
        SplittableRandom r = new SplittableRandom(29);
        String[] parts = {" ", "  ", "\n", "\n\n ", "\r\n", "\t", "   \n  ", "'s", "'ll", "'ve", "'x", "ab", "Word",
                "1234", "9", "--", "(", ").", "x_y", ":<*>", "é", "漢"};
        for (int i = 0; i < 600; i++) {
            StringBuilder sb = new StringBuilder();
            int n = r.nextInt(40, 900);
            boolean ascii = r.nextInt(4) != 0;
            while (sb.length() < n) {
                String p = parts[r.nextInt(ascii ? parts.length - 2 : parts.length)];
                sb.append(p);
            }
            long_.add(sb.toString());
        }
        Cl100kBpe bpe = Cl100kBpe.get();
        int decided = 0;
        int windowAlone = 0;
        int continued = 0;
        for (int limit : new int[] {7, 64, 512}) {
            Tokenizer ref = Tokenizer.cl100k(limit);
            for (int i = 0; i < long_.size(); i += limit == 512 ? 1 : 3) {
                String t = long_.get(i);
                String[] keptRef = new String[1];
                Tokenizer.Cut want = ref.cutUncachedReference(t, keptRef);
                int stopChars = want.truncated() ? keptRef[0].length() : t.length();
                int[] windows = limit == 512
                        ? new int[] {stopChars - 3, stopChars, stopChars + 1, stopChars + 2, stopChars + 3, stopChars + 40,
                                Tokenizer.prefixWindow(limit)}
                        : java.util.stream.IntStream.rangeClosed(Math.max(1, stopChars - 8), stopChars + 8).toArray();
                for (int w : windows) {
                    if (w < 1 || w >= t.length()) {
                        continue;
                    }
                    for (boolean withText : new boolean[] {true, false}) {
                        Cl100kBpe.Limited got = bpe.encodeAsciiPrefix(t, w, limit, withText);
                        String where = "'" + t + "' at " + limit + ", window " + w;
                        if (got == null) {
                            assertTrue(Cl100kBpe.asciiBytes(t.substring(0, w)) == null || Cl100kBpe.asciiBytes(t) == null,
                                    () -> "no result on an ASCII text: " + where);
                            continue;
                        }
                        assertArrayEquals(want.ids(), got.ids(), () -> "ids of " + where);
                        assertEquals(want.truncated(), got.truncated(), () -> "cut of " + where);
                        if (withText && want.truncated()) {
                            assertEquals(keptRef[0], got.text(), () -> "text kept of " + where);
                        }
                        if (withText) {
                            if (w >= stopChars + 3) {
                                decided++;
                                // past a window that decides, the text is never read: a non-ASCII char there
                                // changes nothing (the whole-text path would give up on it)
                                String tail = t.substring(0, w) + '\u00e9' + t.substring(w + 1);
                                Cl100kBpe.Limited fromWindow = bpe.encodeAsciiPrefix(tail, w, limit, false);
                                if (fromWindow != null) {
                                    assertArrayEquals(want.ids(), fromWindow.ids(), () -> "ids from the window of " + where);
                                    windowAlone++;
                                }
                            } else {
                                continued++;
                            }
                        }
                    }
                }
            }
        }
        assertTrue(decided > 1000 && continued > 1000, "windows deciding " + decided + ", continued " + continued);
        assertTrue(windowAlone > decided / 2, "windows that decided alone " + windowAlone + " of " + decided);
        System.out.println("EncodeFastFormsTest: prefix windows " + decided + " deciding, " + continued + " continued");
    }

    @Test
    void embedderGivesTheReferenceVectorBitForBit() throws Exception {
        Tokenizer tok = Tokenizer.cl100k(512);
        List<int[]> ids = new ArrayList<>();
        for (String t : texts()) {
            ids.add(tok.encodeCut(t).ids());
        }
        SplittableRandom r = new SplittableRandom(7);
        for (int i = 0; i < 200; i++) {
            ids.add(r.ints(r.nextInt(0, 600), Integer.MIN_VALUE, Integer.MAX_VALUE).toArray()); // any int, negative too
        }
        List<HashingEmbedder> embedders = new ArrayList<>(List.of(new HashingEmbedder(64), new HashingEmbedder(1),
                new HashingEmbedder(128, -3, 1, 0.5), new HashingEmbedder(100, 5, 1, 0.5),
                new HashingEmbedder(64, 9, 0, 0.5), new HashingEmbedder(63, 9, 0.7, 0), new HashingEmbedder(256, 1, 1, -0.0)));
        for (HashingEmbedder e : embedders) {
            for (int[] x : ids) {
                float[] want = e.embedTokensReference(x);
                float[] got = e.embedTokens(x);
                assertEquals(want.length, got.length);
                for (int j = 0; j < want.length; j++) {
                    int jj = j;
                    assertEquals(Float.floatToRawIntBits(want[j]), Float.floatToRawIntBits(got[j]),
                            () -> e.name() + " dim " + jj + " of " + java.util.Arrays.toString(x));
                }
            }
        }
    }
}
