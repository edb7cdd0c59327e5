package dev.keymem.jobs.text;

import dev.keymem.jobs.logs.mining.LineTokens;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Java 17's masks of seeded random lines, kept as the test resource {@link #RESOURCE} so that a test can run the real
 * regex engine of whatever JVM runs it against them (review 27b F2): {@link MaskerWordBoundaryTest} reads it on any
 * JVM, where its other random tests run on Java 17 only. A line of the resource is the input, {@link LineMasker#mask}
 * (which {@link LineMasker#maskPlain} must give too) and {@link LineTokens#mask}, tab-separated, each with
 * {@link #escape}; lines starting with {@code #} are comments.
 *
 * <p>Regenerate on Java 17 only (the answers are Java 17's), from the repository root after a build:
 * {@code java -cp jobs/target/classes:jobs/target/test-classes dev.keymem.jobs.text.MaskerJava17Answers
 * jobs/src/test/resources/dev/keymem/jobs/text/masker-java17-answers.txt}. The lines are {@link #lines}: ASCII shapes
 * of every masker rule and of {@code LineTokens}' scans glued to non-ASCII letters and digits (BMP and past U+FFFF),
 * non-spacing marks after BMP and supplementary letters, lone surrogates and others, all of them characters whose
 * Unicode category and script are the same on Java 17 and Java 25 (so the answers are the JVM's regex engine's alone).
 */
final class MaskerJava17Answers {
    /** The resource, on the test class path. */
    static final String RESOURCE = "/dev/keymem/jobs/text/masker-java17-answers.txt";
    static final long SEED = 27_2;
    static final int LINES = 600;
    private static final String[] PIECES = {"0x1f", "12345678abcdef", "deadbeef12", "2024-01-02",
        "2024-01-02T10:11:12Z",
        "Jan 12 10:11:12", "10:11:12.5", "550e8400-e29b-41d4-a716-446655440000", "http://a.b/c", "a.b@x.com",
        ".b@x-y.com", "u@x.co-", "+c@d.io", "Mon", "Friday", "host.example.com:80", "a.io", "abcdefabcd", "a/b/c",
        "12ms", "3.5GB", "~5", "10.0.0.1", "fe80::1", "aa:bb:cc:dd:ee:ff", "1714564800", "_", "-", ".", ":", "/",
        " ", " ", " ", "a", "Z", "7", "ß", "é", "Ж", "٣", "１", "条", "Ş", "\uD835\uDC00", "\uD835\uDFCE", "\uD840\uDC00",
        "\uD83D\uDE00", "\u00B2", "\u2160", "\u00AA", "\u02B0", "\u212A", "\u00A0", "\uD800", "\uDC00"};
    /** Non-spacing marks alone and after ASCII, BMP and supplementary letters, an underscore, a blank, a hyphen. */
    private static final String[] MARKS = {"\u0301", "a\u0301", "_\u0301", " \u0301", "\uD834\uDD67",
        "\uD835\uDC00\u0301", "-\u0301", "é\u0301\u0301", "Ж\u0301", "7\u0301", "\uD835\uDFCE\u0301"};

    private MaskerJava17Answers() {
    }

    /** The lines: {@link #LINES} of 1 to 6 pieces each (a mark one time in three), drawn with {@link #SEED}. */
    static List<String> lines() {
        Random random = new Random(SEED);
        List<String> out = new ArrayList<>();
        for (int k = 0; k < LINES; k++) {
            StringBuilder b = new StringBuilder();
            int parts = 1 + random.nextInt(6);
            for (int p = 0; p < parts; p++) {
                b.append(random.nextInt(3) == 0 ? MARKS[random.nextInt(MARKS.length)]
                        : PIECES[random.nextInt(PIECES.length)]);
            }
            out.add(b.toString());
        }
        return out;
    }

    /** One line of the resource: the line and this JVM's answers, escaped, tab-separated. */
    static String answers(String line, LineMasker masker, LineTokens tokens) {
        return escape(line) + '\t' + escape(masker.mask(line)) + '\t' + escape(tokens.mask(line));
    }

    /**
     * {@code s} with every surrogate, non-spacing mark, control or non-ASCII space char and backslash written as
     * {@code \\uXXXX} (a lone surrogate has no UTF-8 form; the others would not show), the rest as is.
     */
    static String escape(String s) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (Character.isSurrogate(c) || Character.getType(c) == Character.NON_SPACING_MARK || c == '\\'
                    || Character.isISOControl(c) || (c > 127 && Character.isSpaceChar(c))) {
                b.append(String.format("\\u%04X", (int) c));
            } else {
                b.append(c);
            }
        }
        return b.toString();
    }

    /** {@link #escape} undone. */
    static String unescape(String s) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\\' && i + 5 < s.length() && s.charAt(i + 1) == 'u') {
                b.append((char) Integer.parseInt(s.substring(i + 2, i + 6), 16));
                i += 5;
            } else {
                b.append(c);
            }
        }
        return b.toString();
    }

    /** The resource's rows (input, mask, LineTokens mask), unescaped. */
    static List<String[]> read() throws IOException {
        List<String[]> rows = new ArrayList<>();
        try (InputStream in = MaskerJava17Answers.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IOException("missing test resource " + RESOURCE);
            }
            BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
            for (String l = r.readLine(); l != null; l = r.readLine()) {
                if (!l.startsWith("#")) {
                    String[] cols = l.split("\t", -1);
                    for (int k = 0; k < cols.length; k++) {
                        cols[k] = unescape(cols[k]);
                    }
                    rows.add(cols);
                }
            }
        }
        return rows;
    }

    /**
     * Writes the resource to {@code args[0]} (Java 17 only), or with {@code --check} counts the lines whose answers on
     * this JVM differ from the resource's (on the class path) and prints the first few: a driver for any JVM and any
     * build, as {@code java -cp BUILD_CLASSES:jobs/target/test-classes:jobs/src/test/resources
     * dev.keymem.jobs.text.MaskerJava17Answers --check}.
     */
    public static void main(String[] args) throws IOException {
        LineMasker masker = new LineMasker();
        LineTokens tokens = new LineTokens();
        if (args.length > 0 && args[0].equals("--check")) {
            int differ = 0;
            List<String[]> rows = read();
            for (String[] r : rows) {
                String now = answers(r[0], masker, tokens);
                String stored = escape(r[0]) + '\t' + escape(r[1]) + '\t' + escape(r[2]);
                if (!now.equals(stored) && differ++ < 5) {
                    System.out.println("stored " + stored + "\nnow    " + now);
                }
            }
            System.out.println(Runtime.version() + ": " + differ + " of " + rows.size() + " lines differ");
            return;
        }
        if (Runtime.version().feature() != 17) {
            throw new IllegalStateException("the answers are Java 17's: run on Java 17, not " + Runtime.version());
        }
        try (PrintWriter out = new PrintWriter(Files.newBufferedWriter(Path.of(args[0]), StandardCharsets.UTF_8))) {
            out.print("# Java 17's masks of MaskerJava17Answers.lines() (seed " + SEED + ", " + LINES + " lines),"
                    + " made by MaskerJava17Answers on " + Runtime.version() + "\n");
            out.print("# input <TAB> LineMasker.mask (= maskPlain) <TAB> LineTokens.mask; \\uXXXX escapes\n");
            for (String line : lines()) {
                out.print(answers(line, masker, tokens) + "\n");
            }
        }
    }
}
