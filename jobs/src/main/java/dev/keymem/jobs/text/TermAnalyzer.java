package dev.keymem.jobs.text;

import java.io.IOException;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import org.apache.lucene.analysis.Analyzer;
import org.apache.lucene.analysis.CharArraySet;
import org.apache.lucene.analysis.WordlistLoader;
import org.apache.lucene.analysis.snowball.SnowballFilter;
import org.apache.lucene.analysis.TokenStream;
import org.apache.lucene.analysis.en.EnglishAnalyzer;
import org.apache.lucene.analysis.tokenattributes.CharTermAttribute;

/**
 * Free text to lexical terms and a dense vector, for the event memory: Lucene's {@link EnglishAnalyzer}
 * (Unicode word segmentation, possessives dropped, lower case, Snowball's English stop words removed,
 * Porter stems)
 * gives the words; each word becomes a term id by a fixed 64-bit FNV-1a hash folded to 32 bits (the same on
 * every JVM). The dense vector is signed feature hashing (the {@link HashingEmbedder} scheme) of the stems
 * (weight 1), adjacent stem pairs (0.5) and the character trigrams of each stem with boundary marks
 * (0.25 each), scaled to unit length: texts sharing stems, or only parts of words, are close in cosine.
 * Serializable (the analyzer is rebuilt after deserialization); one instance per thread.
 */
public final class TermAnalyzer implements Serializable {
    private static final long serialVersionUID = 1L;

    private final int dimension;
    private transient Analyzer analyzer;

    /** Dense vectors of {@code dimension} values. */
    public TermAnalyzer(int dimension) {
        if (dimension < 1) {
            throw new IllegalArgumentException("dimension must be >= 1, got " + dimension);
        }
        this.dimension = dimension;
    }

    public int dimension() {
        return dimension;
    }

    /** The stems of {@code text}, in order (stop words removed). */
    public List<String> words(String text) {
        if (analyzer == null) {
            analyzer = new EnglishAnalyzer(stopWords());
        }
        List<String> out = new ArrayList<>();
        try (TokenStream ts = analyzer.tokenStream("text", text)) {
            CharTermAttribute term = ts.addAttribute(CharTermAttribute.class);
            ts.reset();
            while (ts.incrementToken()) {
                out.add(term.toString());
            }
            ts.end();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot analyse text", e);
        }
        return out;
    }

    /** Snowball's English stop words (Lucene ships the list), a superset of Lucene's default English set. */
    static CharArraySet stopWords() {
        try (InputStream in = SnowballFilter.class.getResourceAsStream("english_stop.txt")) {
            if (in == null) {
                throw new IllegalStateException("lucene-analysis-common lacks snowball/english_stop.txt");
            }
            return WordlistLoader.getSnowballWordSet(new InputStreamReader(in, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the English stop words", e);
        }
    }

    /** The term ids of {@code words}. */
    public static int[] termIds(List<String> words) {
        int[] ids = new int[words.size()];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = termId(words.get(i));
        }
        return ids;
    }

    /** A word's term id: 64-bit FNV-1a over its UTF-16 units, finalised and folded to 32 bits. */
    public static int termId(String word) {
        long h = 0xcbf29ce484222325L;
        for (int i = 0; i < word.length(); i++) {
            h ^= word.charAt(i);
            h *= 0x100000001b3L;
        }
        h = HashingEmbedder.mix(h);
        return (int) (h ^ (h >>> 32));
    }

    /** The unit dense vector of {@code words} (zero when there are none). */
    public float[] vector(List<String> words) {
        // Feature hashes are computed over the characters in place (no pair or trigram strings are built):
        // the same hashes, added in the same order, as vectorReference.
        double[] acc = new double[dimension];
        String prev = null;
        for (int i = 0; i < words.size(); i++) {
            String w = words.get(i);
            add(acc, feature(1, w), 1.0);
            if (prev != null) {
                add(acc, pairFeature(prev, w), 0.5);
            }
            // the trigrams of "<" + w + ">"
            int n = w.length() + 2;
            for (int j = 0; j + 3 <= n; j++) {
                long h = KIND3;
                for (int k = j; k < j + 3; k++) {
                    h = (h ^ marked(w, k, n)) * 0x100000001b3L;
                }
                add(acc, HashingEmbedder.mix(h), 0.25);
            }
            prev = w;
        }
        return unit(acc);
    }

    private static final long KIND2 = HashingEmbedder.mix(0x9E3779B97F4A7C15L * 2);
    private static final long KIND3 = HashingEmbedder.mix(0x9E3779B97F4A7C15L * 3);

    /** Character {@code k} of {@code "<" + w + ">"} (length {@code n}). */
    private static char marked(String w, int k, int n) {
        return k == 0 ? '<' : k == n - 1 ? '>' : w.charAt(k - 1);
    }

    /** {@code feature(2, a + " " + b)}. */
    private static long pairFeature(String a, String b) {
        long h = KIND2;
        for (int i = 0; i < a.length(); i++) {
            h = (h ^ a.charAt(i)) * 0x100000001b3L;
        }
        h = (h ^ ' ') * 0x100000001b3L;
        for (int i = 0; i < b.length(); i++) {
            h = (h ^ b.charAt(i)) * 0x100000001b3L;
        }
        return HashingEmbedder.mix(h);
    }

    private float[] unit(double[] acc) {
        double n = 0;
        for (double v : acc) {
            n += v * v;
        }
        float[] out = new float[dimension];
        if (n > 0) {
            double inv = 1 / Math.sqrt(n);
            for (int i = 0; i < dimension; i++) {
                out[i] = (float) (acc[i] * inv);
            }
        }
        return out;
    }

    /** The string-building form of {@link #vector} (the reference it equals bit for bit). */
    float[] vectorReference(List<String> words) {
        double[] acc = new double[dimension];
        for (int i = 0; i < words.size(); i++) {
            String w = words.get(i);
            add(acc, feature(1, w), 1.0);
            if (i > 0) {
                add(acc, feature(2, words.get(i - 1) + " " + w), 0.5);
            }
            String marked = "<" + w + ">";
            for (int j = 0; j + 3 <= marked.length(); j++) {
                add(acc, feature(3, marked.substring(j, j + 3)), 0.25);
            }
        }
        return unit(acc);
    }

    private static long feature(int kind, String s) {
        long h = HashingEmbedder.mix(0x9E3779B97F4A7C15L * kind);
        for (int i = 0; i < s.length(); i++) {
            h = (h ^ s.charAt(i)) * 0x100000001b3L;
        }
        return HashingEmbedder.mix(h);
    }

    private void add(double[] acc, long h, double w) {
        acc[HashingEmbedder.index(h, dimension)] += h < 0 ? -w : w;
    }
}
