package dev.keymem.jobs.logs;

import dev.keymem.jobs.kafka.OutputBounds;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * The summary record's JSON text written straight into one char buffer: what {@code LogSummarizer.writeReference}
 * writes with Jackson's streaming generator (its reference, the same text char for char; {@code SummaryJsonTest}
 * and {@code LogSummarizerRecordTest} compare them, and the tree's {@code toString()}, on random summaries with
 * controls, quotes, backslashes, surrogates and non-ASCII text), without the generator, its {@code StringWriter}
 * (a synchronized {@code StringBuffer}), a {@code List} of each template's parameters or a {@code String} per number.
 *
 * <p>Written by hand because Jackson writes a JSON string char by char through its own escaping buffer; here a
 * string is copied with one {@code getChars} and scanned once, and escaped only where it holds a char Jackson escapes
 * (with its default features: {@code "} and {@code \\} with a backslash, {@code \\b \\t \\n \\f \\r} so, the other
 * controls below U+0020 as {@code \\u00XX} with upper-case hex; every other char, surrogates included, as it is).
 * Numbers as Jackson writes them: a long's decimal digits, a double's {@link Double#toString}. Not thread-safe: one
 * per call.
 *
 * <p>The text is kept one byte a char while every char written is below U+0100 (Latin-1, almost every summary): a
 * string's chars then come as its Latin-1 bytes (a copy of a compact string's own bytes), are scanned as bytes and
 * copied in runs, and the summary's {@code String} is made from the bytes (a copy, where chars would be compressed to
 * bytes char by char). The first string with a char from U+0100 on turns the text so far into chars, and the rest is
 * written as chars, as before.
 */
final class SummaryJson {
    /** Per ASCII char: 0 as it is, else the char after the backslash ({@code 'u'} for {@code \\u00XX}). */
    private static final char[] ESCAPE = new char[128];
    private static final char[] HEX = "0123456789ABCDEF".toCharArray();

    static {
        for (int c = 0; c < 0x20; c++) {
            ESCAPE[c] = 'u';
        }
        ESCAPE['"'] = '"';
        ESCAPE['\\'] = '\\';
        ESCAPE['\b'] = 'b';
        ESCAPE['\t'] = 't';
        ESCAPE['\n'] = 'n';
        ESCAPE['\f'] = 'f';
        ESCAPE['\r'] = 'r';
    }

    // the names and punctuation written, as ASCII bytes (copied whole: no String.getBytes a name)
    private static final byte[] SOURCE = ascii("{\"source\":");
    private static final byte[] SUMMARY = ascii(",\"summary\":");
    private static final byte[] FROM_OFFSET = ascii(",\"from_offset\":");
    private static final byte[] TO_OFFSET = ascii(",\"to_offset\":");
    private static final byte[] LINES_SINCE_LAST = ascii(",\"lines_since_last\":");
    private static final byte[] LINES_TOTAL = ascii(",\"lines_total\":");
    private static final byte[] MEMORY = ascii(",\"memory\":");
    private static final byte[] TEMPLATES_KNOWN = ascii(",\"templates_known\":");
    private static final byte[] TEMPLATES = ascii(",\"templates\":");
    private static final byte[] TEMPLATE = ascii(",\"template\":");
    private static final byte[] COUNT = ascii(",\"count\":");
    private static final byte[] FIRST_OFFSET = ascii(",\"first_offset\":");
    private static final byte[] LAST_OFFSET = ascii(",\"last_offset\":");
    private static final byte[] PARAMS = ascii(",\"params\":[");
    private static final byte[] PARAMS_DISTINCT = ascii("],\"params_distinct\":");
    private static final byte[] INNOVATION = ascii(",\"innovation\":");
    private static final byte[] SIGNIFICANCE = ascii(",\"significance\":");
    private static final byte[] FLAG = ascii(",\"flag\":");
    private static final byte[] TEXT = ascii(",\"text\":");
    private static final byte[] OFFSET = ascii(",\"offset\":");
    private static final byte[] TIMESTAMP = ascii(",\"timestamp\":");
    private static final byte[] VERBATIM = ascii("],\"verbatim\":");
    private static final byte[] DROPPED = ascii(",\"dropped\":");
    private static final byte[] DROPPED_LINES = ascii(",\"dropped_lines\":");
    private static final byte[] TEMPLATES_CUT = ascii(",\"templates_cut\":");
    private static final byte[] ID_FIRST = ascii("{\"id\":");
    private static final byte[] ID_NEXT = ascii(",{\"id\":");
    private static final byte[] FINAL_TRUE = ascii(",\"final\":true");
    private static final byte[] FINAL_FALSE = ascii(",\"final\":false");

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    /** Appends the ASCII char {@code c} (punctuation). */
    private void ascii(char c) {
        room(1);
        if (lat != null) {
            lat[len++] = (byte) c;
        } else {
            buf[len++] = c;
        }
    }

    /** Appends the ASCII bytes {@code s} (a name or punctuation: nothing to escape). */
    private SummaryJson raw(byte[] s) {
        int n = s.length;
        room(n);
        if (lat != null) {
            System.arraycopy(s, 0, lat, len, n);
        } else {
            char[] b = buf;
            int o = len;
            for (int i = 0; i < n; i++) {
                b[o + i] = (char) s[i];
            }
        }
        len += n;
        return this;
    }

    /** The text while every char is below U+0100, one byte a char; null once it is kept in {@link #buf}. */
    private byte[] lat;
    /** The text once a char from U+0100 on was written (null before). */
    private char[] buf;
    /** The chars written. */
    private int len;
    /** The UTF-8 bytes written beyond one a char (those of the chars from U+0080 on). */
    private long extra;
    /** Whether a string written held an unpaired surrogate (whose UTF-8 size the bound measures otherwise). */
    private boolean unpaired;

    private SummaryJson(int capacity) {
        lat = new byte[Math.max(64, capacity)];
    }

    /** The text written. */
    private String text() {
        return lat != null ? new String(lat, 0, len, StandardCharsets.ISO_8859_1) : new String(buf, 0, len);
    }

    /** Keeps the text as chars from now on. */
    private void widen() {
        byte[] l = lat;
        char[] b = new char[l.length];
        for (int i = 0; i < len; i++) {
            b[i] = (char) (l[i] & 0xff);
        }
        buf = b;
        lat = null;
    }

    /**
     * The summary with the first {@code kept} of {@code listed} (and {@code "templates_cut"}, after the other fields,
     * when that is fewer than all), as {@code LogSummarizer.writeReference} writes it; {@code capacity}: the chars
     * to start with.
     */
    static String write(SourceMemory m, int templatesKnown, String source, boolean last, List<TemplateEntry> listed,
                        int kept, Map<Integer, Double> significance, LogSummarySettings.Memory memory,
                        LogSummarizer.Counts c, int capacity) {
        SummaryJson w = new SummaryJson(capacity);
        w.head(m, templatesKnown, source, last, memory);
        w.ascii('[');
        for (int i = 0; i < kept; i++) {
            w.entry(listed.get(i), i, significance);
        }
        w.tail(c, kept, listed.size());
        return w.text();
    }

    /**
     * {@code LogSummarizer.record(..., maxBytes)} in one pass, or null where it does more than dropping templates:
     * the summary is written once, counting its UTF-8 bytes and each template entry's end (in chars and in bytes),
     * up to the first entry that ends past {@code maxBytes} (those from it on are measured, not written: no bound
     * keeps them), and where it is over {@code maxBytes} it is cut back to the entries that
     * {@link OutputBounds#keptEntries} keeps and its tail written again with {@code "templates_cut"} (the reference
     * sizes every entry, then writes the kept ones). Null where a string holds an unpaired surrogate or the bound
     * cuts more than templates (the caller's reference path decides those).
     */
    static String bounded(SourceMemory m, int templatesKnown, String source, boolean last, List<TemplateEntry> listed,
                          Map<Integer, Double> significance, LogSummarySettings.Memory memory,
                          LogSummarizer.Counts c, int maxBytes) {
        return bounded(m, templatesKnown, source, last, listed, significance, memory, c, maxBytes, null);
    }

    /**
     * {@link #bounded(SourceMemory, int, String, boolean, List, Map, LogSummarySettings.Memory, LogSummarizer.Counts,
     * int)}, and where it gives a text, that text's UTF-8 bytes in {@code bytes[0]} (when {@code bytes} is not null;
     * counted as the text is written: {@code OutputBounds.utf8Length} of it).
     */
    static String bounded(SourceMemory m, int templatesKnown, String source, boolean last, List<TemplateEntry> listed,
                          Map<Integer, Double> significance, LogSummarySettings.Memory memory,
                          LogSummarizer.Counts c, int maxBytes, long[] bytes) {
        return bounded(m, templatesKnown, source, last, listed, significance, memory, c, maxBytes, bytes, true);
    }

    /**
     * {@link #bounded(SourceMemory, int, String, boolean, List, Map, LogSummarySettings.Memory, LogSummarizer.Counts,
     * int, long[])}; {@code measurePast}: the entries that end past {@code maxBytes} (the bound drops them and all
     * after them) are measured ({@link #entryBytes}), not written, and the text written stays within
     * about {@code maxBytes}; else (the reference, the form before session 28) every entry is written, then the
     * text cut back.
     */
    static String bounded(SourceMemory m, int templatesKnown, String source, boolean last, List<TemplateEntry> listed,
                          Map<Integer, Double> significance, LogSummarySettings.Memory memory,
                          LogSummarizer.Counts c, int maxBytes, long[] bytes, boolean measurePast) {
        int n = listed.size();
        long chars = 512;
        for (TemplateEntry t : listed) {
            chars += 200 + length(t.template) + t.params.length() + length(t.text);
        }
        SummaryJson w = new SummaryJson((int) Math.min(chars, maxBytes + 1024L));
        w.head(m, templatesKnown, source, last, memory);
        int open = w.len;
        long openExtra = w.extra;
        long openBytes = open + openExtra;
        w.ascii('[');
        long[] ends = new long[n];
        int[] charEnds = new int[n];
        long[] extraEnds = new long[n];
        int written = n;
        for (int i = 0; i < n; i++) {
            TemplateEntry t = listed.get(i);
            long at = w.len + w.extra;
            if (measurePast && at + LogSummarizer.upperEntryBytes(t) > maxBytes) {
                // an entry that may end past the limit is measured first: one that does is kept by no bound (the
                // summary with it is over the limit by its own bytes), nor is any after it: those are measured
                // (their sizes decide how many the bound keeps), not written
                long end = at - openBytes + w.entryBytes(t, i, significance);
                if (openBytes + end > maxBytes) {
                    written = i;
                    ends[i] = end;
                    for (int j = i + 1; j < n; j++) {
                        end += w.entryBytes(listed.get(j), j, significance);
                        ends[j] = end;
                    }
                    break;
                }
            }
            w.entry(t, i, significance);
            charEnds[i] = w.len;
            extraEnds[i] = w.extra;
            ends[i] = w.len + w.extra - openBytes;
        }
        w.tail(c, n, n);
        if (w.unpaired || w.sizer != null && w.sizer.unpaired) {
            return null;
        }
        // the entries measured, not written: their bytes added to the text's
        long unwritten = written == n ? 0 : ends[n - 1] - (written == 0 ? 1 : ends[written - 1]);
        int kept = OutputBounds.keptEntries(w.len + w.extra + unwritten, TEMPLATES_NAME, ends, n, maxBytes);
        if (kept < 0 || kept > written) {
            return null; // (kept > written: not so, each entry not written ends past the limit)
        }
        if (kept < n) {
            w.len = kept == 0 ? open + 1 : charEnds[kept - 1];
            w.extra = kept == 0 ? openExtra : extraEnds[kept - 1];
            w.tail(c, kept, n);
        }
        if (bytes != null) {
            bytes[0] = w.len + w.extra;
        }
        return w.text();
    }

    /** {@code "templates":}, what {@link OutputBounds#keptEntries} calls the name's bytes. */
    private static final int TEMPLATES_NAME = "\"templates\":".length();

    private static int length(String s) {
        return s == null ? 4 : s.length();
    }

    /** The fields before the templates, up to {@code "templates":}. */
    private void head(SourceMemory m, int templatesKnown, String source, boolean last,
                      LogSummarySettings.Memory memory) {
        raw(SOURCE).string(source);
        raw(SUMMARY).number(m.summaries);
        raw(FROM_OFFSET).number(m.fromOffset);
        raw(TO_OFFSET).number(m.lastOffset);
        raw(LINES_SINCE_LAST).number(m.linesSinceLast);
        raw(LINES_TOTAL).number(m.position);
        raw(last ? FINAL_TRUE : FINAL_FALSE);
        raw(MEMORY).string(memory.configName());
        raw(TEMPLATES_KNOWN).number(templatesKnown);
        raw(TEMPLATES);
    }

    /** Template {@code t}, the {@code i}-th of the list (a comma before all but the first). */
    private void entry(TemplateEntry t, int i, Map<Integer, Double> significance) {
        raw(i == 0 ? ID_FIRST : ID_NEXT).number(t.id);
        raw(TEMPLATE).string(t.template);
        raw(COUNT).number(t.count);
        raw(FIRST_OFFSET).number(t.firstOffset);
        raw(LAST_OFFSET).number(t.lastOffset);
        raw(PARAMS);
        String p = t.params;
        if (!p.isEmpty()) {
            // the packed list: each element '+' and its text, separated by SEP (LogSummarizer.split); its Latin-1
            // bytes made once for all its elements (null where it is not all below U+0100 char for char)
            int from = 0;
            int n = p.length();
            byte[] pb = lat != null ? latin1Bytes(p) : null;
            while (true) {
                int to = p.indexOf(TemplateEntry.SEP, from);
                if (to < 0) {
                    to = n;
                }
                if (from > 0) {
                    ascii(',');
                }
                string(p, pb, from + 1, to);
                if (to == n) {
                    break;
                }
                from = to + 1;
            }
        }
        raw(PARAMS_DISTINCT).number(t.paramsDistinct);
        raw(INNOVATION).number(LogSummarizer.round(t.innovation));
        raw(SIGNIFICANCE).number(LogSummarizer.round(LogSummarizer.significance(t, significance)));
        if (t.text != null) {
            raw(FLAG).string(t.flag);
            raw(TEXT).string(t.text);
            raw(OFFSET).number(t.textOffset);
            if (t.textTimestamp >= 0) {
                raw(TIMESTAMP).string(Instant.ofEpochMilli(t.textTimestamp).toString());
            }
        }
        ascii('}');
    }

    /**
     * The UTF-8 bytes {@link #entry}{@code (t, i, significance)} writes, measured without writing them: the names as
     * written, numbers by their digits, strings by {@link #stringBytes}. Its reference is {@link LogSummarizer.Sizer}
     * (plus the comma before all entries but the first); {@code SummaryJsonTest} compares them.
     */
    long entryBytes(TemplateEntry t, int i, Map<Integer, Double> significance) {
        long b = (i == 0 ? ID_FIRST.length : ID_NEXT.length) + LogSummarizer.digits(t.id)
                + TEMPLATE.length + stringBytes(t.template)
                + COUNT.length + LogSummarizer.digits(t.count)
                + FIRST_OFFSET.length + LogSummarizer.digits(t.firstOffset)
                + LAST_OFFSET.length + LogSummarizer.digits(t.lastOffset)
                + PARAMS.length + PARAMS_DISTINCT.length + LogSummarizer.digits(t.paramsDistinct)
                + INNOVATION.length + numberBytes(LogSummarizer.round(t.innovation))
                + SIGNIFICANCE.length + numberBytes(LogSummarizer.round(LogSummarizer.significance(t, significance)))
                + 1; // '}'
        String p = t.params;
        if (!p.isEmpty()) {
            // as entry writes the packed list: each element's text after its '+', a comma between elements
            int from = 0;
            int n = p.length();
            byte[] pb = latin1Bytes(p);
            while (true) {
                int to = p.indexOf(TemplateEntry.SEP, from);
                if (to < 0) {
                    to = n;
                }
                b += (from > 0 ? 1 : 0) + stringBytes(p, pb, from + 1, to);
                if (to == n) {
                    break;
                }
                from = to + 1;
            }
        }
        if (t.text != null) {
            b += FLAG.length + stringBytes(t.flag) + TEXT.length + stringBytes(t.text)
                    + OFFSET.length + LogSummarizer.digits(t.textOffset);
            if (t.textTimestamp >= 0) {
                b += TIMESTAMP.length + Instant.ofEpochMilli(t.textTimestamp).toString().length() + 2; // ASCII
            }
        }
        return b;
    }

    /** The bytes {@link #number(double)} writes. */
    private static int numberBytes(double v) {
        String s = rounded(v);
        if (s != null) {
            return s.length();
        }
        s = Double.toString(v);
        return Double.isFinite(v) ? s.length() : s.length() + 2; // not finite: a string of ASCII letters
    }

    /** The char sizer of the strings {@link #latin1StringBytes} declines (null until one is); its unpaired flag. */
    private LogSummarizer.Sizer sizer;

    /** The UTF-8 bytes of {@code s} as {@link #string(String)} writes it. */
    private long stringBytes(String s) {
        if (s == null) {
            return 4;
        }
        return stringBytes(s, latin1Bytes(s), 0, s.length());
    }

    /**
     * The UTF-8 bytes of chars {@code [from, to)} of {@code s} written as a JSON string, quotes included, where
     * {@code bytes} is null or {@link #latin1Bytes}{@code (s)}: counted over the bytes eight a step
     * ({@link #latin1StringBytes}), else (a char from U+0100 on) char by char ({@link LogSummarizer.Sizer}, which
     * notes an unpaired surrogate: the bound then decides as {@link #entry}'s writing would have it).
     */
    private long stringBytes(String s, byte[] bytes, int from, int to) {
        if (bytes != null) {
            long b = latin1StringBytes(s, bytes, from, to);
            if (b >= 0) {
                return b;
            }
        }
        if (sizer == null) {
            sizer = new LogSummarizer.Sizer();
        }
        return sizer.string(s, from, to);
    }

    /** {@code 0x7F} in every byte: a word's bytes without their high bits. */
    private static final long LOWS = 0x7F7F7F7F7F7F7F7FL;
    /** Added to a byte's low 7 bits, {@code 0x60} carries into its high bit from {@code 0x20} on. */
    private static final long CONTROLS = 0x6060606060606060L;

    /**
     * The UTF-8 bytes of chars {@code [from, to)} of {@code s} written as a JSON string (quotes included; each char
     * below U+0100, so one byte of {@code bytes}, {@link #latin1Bytes}{@code (s)}), or -1 where a {@code '?'} byte
     * stands for a char from U+0100 on: each char one byte, and one more for a quote, a backslash or a char from
     * U+0080 on (two UTF-8 bytes), one more for {@code \\b \\t \\n \\f \\r}, five more for the other controls
     * ({@code \\u00XX}). Eight bytes a step: exact flags per byte (no borrow or carry crosses a byte: each test adds
     * at most {@code 0x7F + 0x7F} to a byte's low 7 bits) summed by a multiply; the controls and {@code '?'}s, rare,
     * one by one. Its reference is {@link LogSummarizer.Sizer#string(String, int, int)}.
     */
    static long latin1StringBytes(String s, byte[] bytes, int from, int to) {
        final long quotes = ONES * '"';
        final long backslashes = ONES * '\\';
        final long marks = ONES * '?';
        byte[] b = bytes;
        long size = 2 + (to - from);
        int i = from;
        for (; i + 8 <= to; i += 8) {
            long w = (long) LONGS.get(b, i);
            long x = w ^ quotes;
            long y = w ^ backslashes;
            // a quote, a backslash, a byte from 0x80 on: one byte more each
            long more = (~((x & LOWS) + LOWS | x) | ~((y & LOWS) + LOWS | y) | w) & HIGHS;
            size += ((more >>> 7) * ONES) >>> 56;
            long z = w ^ marks;
            long odd = (~((w & LOWS) + CONTROLS | w) | ~((z & LOWS) + LOWS | z)) & HIGHS; // controls and '?'s
            while (odd != 0) {
                int k = i + (int) ((((odd & -odd) >>> 7) * LANES) >>> 56);
                int ch = b[k];
                if (ch == '?') {
                    if (s.charAt(k) != '?') {
                        return -1;
                    }
                } else {
                    size += CONTROL_MORE[ch];
                }
                odd &= odd - 1;
            }
        }
        for (; i < to; i++) {
            int ch = b[i] & 0xff;
            if (ch >= 0x80) {
                size++;
            } else if (ch == '?') {
                if (s.charAt(i) != '?') {
                    return -1;
                }
            } else {
                size += CONTROL_MORE[ch];
            }
        }
        return size;
    }

    /** Per ASCII char, the bytes it takes in a JSON string beyond one: {@code \\X} 1, {@code \\u00XX} 5. */
    private static final byte[] CONTROL_MORE = new byte[128];

    static {
        for (int c = 0; c < 128; c++) {
            CONTROL_MORE[c] = (byte) (ESCAPE[c] == 0 ? 0 : ESCAPE[c] == 'u' ? 5 : 1);
        }
    }

    /** The list's end and the fields after it; {@code "templates_cut"} where {@code kept < listed}. */
    private void tail(LogSummarizer.Counts c, int kept, int listed) {
        raw(VERBATIM).number(c.verbatim);
        raw(DROPPED).number(c.dropped);
        raw(DROPPED_LINES).number(c.droppedLines);
        if (kept < listed) {
            raw(TEMPLATES_CUT).number(listed - kept);
        }
        ascii('}');
    }

    private void room(int more) {
        if (lat != null) {
            if (len + more > lat.length) {
                lat = Arrays.copyOf(lat, Math.max(len + more, lat.length * 2));
            }
        } else if (len + more > buf.length) {
            buf = Arrays.copyOf(buf, Math.max(len + more, buf.length * 2));
        }
    }

    /** Appends {@code s} as it is (names and punctuation: ASCII, nothing to escape). */
    @SuppressWarnings("deprecation") // getBytes(int, int, byte[], int): each char's low byte, these are ASCII
    private SummaryJson raw(String s) {
        int n = s.length();
        room(n);
        if (lat != null) {
            s.getBytes(0, n, lat, len);
        } else {
            s.getChars(0, n, buf, len);
        }
        len += n;
        return this;
    }

    private SummaryJson string(String s) {
        if (s == null) {
            return raw("null");
        }
        return string(s, 0, s.length());
    }

    /**
     * Appends {@code s.substring(from, to)} as a JSON string: copied in one piece, then scanned; from the first char
     * to escape on, the rest is moved aside and copied back in runs, an escape after each run.
     */
    private SummaryJson string(String s, int from, int to) {
        return string(s, null, from, to);
    }

    /**
     * {@link #string(String, int, int)}, where {@code bytes} is null or {@link #latin1Bytes}{@code (s)} (read, not
     * changed).
     */
    private SummaryJson string(String s, byte[] bytes, int from, int to) {
        if (lat != null) {
            if (bytes != null ? latin1String(s, bytes, from, to) : latin1String(s, from, to)) {
                return this;
            }
            widen();
        }
        int n = to - from;
        room(n + 2);
        char[] b = buf;
        int o = len;
        b[o++] = '"';
        s.getChars(from, to, b, o);
        int end = o + n;
        int i = plainRun(b, o, end);
        if (i == end) {
            b[end] = '"';
            len = end + 1;
            return this;
        }
        // an escape at i: the chars before it stay; the rest [i, end) is moved aside and written back with escapes
        int rest = end - i;
        if (scratch == null || scratch.length < rest) {
            scratch = new char[Math.max(rest, scratch == null ? 256 : scratch.length * 2)];
        }
        char[] src = scratch;
        System.arraycopy(b, i, src, 0, rest);
        int w = i;
        int k = 0;
        while (true) {
            int r = plainRun(src, k, rest);
            len = w;
            room(r - k + 7); // the run, an escape (at most 6 chars) and the closing quote
            b = buf;
            System.arraycopy(src, k, b, w, r - k);
            w += r - k;
            if (r == rest) {
                break;
            }
            char ch = src[r];
            char e = ESCAPE[ch];
            b[w++] = '\\';
            if (e != 'u') {
                b[w++] = e;
            } else {
                b[w++] = 'u';
                b[w++] = '0';
                b[w++] = '0';
                b[w++] = HEX[ch >> 4];
                b[w++] = HEX[ch & 0xf];
            }
            k = r + 1;
        }
        b[w++] = '"';
        len = w;
        return this;
    }

    /** Per byte of a Latin-1 string: what {@link #latin1String} does with it. */
    private static final byte[] LATIN1 = new byte[256];
    /** A byte copied as it is. */
    private static final byte PLAIN = 0;
    /** A byte escaped with a backslash and {@link #ESCAPE}'s char (or as {@code \\u00XX}). */
    private static final byte ESCAPED = 1;
    /** {@code '?'}: also what a char above U+00FF becomes in the bytes (it is then not a Latin-1 string). */
    private static final byte QUESTION = 2;
    /** U+0080 .. U+00FF: two UTF-8 bytes. */
    private static final byte HIGH = 3;

    static {
        for (int c = 0; c < 256; c++) {
            LATIN1[c] = c >= 128 ? HIGH : c == '?' ? QUESTION : ESCAPE[c] != 0 ? ESCAPED : PLAIN;
        }
    }

    /**
     * {@link #string(String, int, int)} of a text kept as bytes, where every char of the substring is below U+0100:
     * its Latin-1 bytes scanned once (escapes counted, the bytes beyond one a char added to {@link #extra}), then
     * copied in runs with the escapes between them, as the char path writes them. False, with nothing written, where
     * a char is not Latin-1 (the bytes' length differs, or a {@code '?'} byte stands for another char).
     */
    private boolean latin1String(String s, int from, int to) {
        String part = from == 0 && to == s.length() ? s : s.substring(from, to);
        byte[] b = latin1Bytes(part);
        return b != null && latin1String(part, b, 0, b.length);
    }

    /**
     * {@code s.getBytes(ISO_8859_1)}, or null where that is not one byte a char (a surrogate pair becomes one
     * {@code '?'}): then byte {@code i} stands for char {@code i}, which is that byte's char unless the byte is a
     * {@code '?'} made for a char from U+0100 on.
     */
    static byte[] latin1Bytes(String s) {
        byte[] b = s.getBytes(StandardCharsets.ISO_8859_1);
        return b.length == s.length() ? b : null;
    }

    /**
     * {@link #latin1String(String, int, int)} of chars {@code [from, to)} of {@code s}, whose {@link #latin1Bytes}
     * are {@code bytes}: one pass, the bytes not {@link #PLAIN} found eight a step (one {@code long} read and the
     * word operations of {@link #nextStop}, inline: C1, the log job's JIT, inlines no call of that size), each
     * escape written as it is found, after one copy of the run before it ({@code '?'}s and bytes above 0x7F stay in
     * their run). The two-pass form ({@link #latin1StringTwoPass}: {@link #nextStop} over the whole string noting the
     * escapes, then a copy of each run between them) made a call of {@code nextStop} at each byte not plain, noted
     * each escape in an array and read it back: a JSON text inside a line (json-long) has an escaped quote every few
     * bytes, a stack trace two escapes a frame. SummaryJsonTest compares the two forms.
     *
     * <p>Room: from {@code o}, the text holds {@code (to - run) + 1} bytes (the bytes from the run on as they are
     * and the closing quote); an escape takes up to 5 more and grows it first.
     */
    private boolean latin1String(String s, byte[] bytes, int from, int to) {
        final long quotes = ONES * '"';
        final long backslashes = ONES * '\\';
        final long marks = ONES * '?';
        final long spaces = ONES * 0x20;
        byte[] b = bytes;
        room(to - from + 2);
        byte[] l = lat;
        int o = len;
        l[o++] = '"';
        int high = 0;
        int run = from; // the bytes [run, i) are plain or '?' or above 0x7F: copied as they are at the next escape
        int i = from;
        while (true) {
            long m = 0;
            for (; i + 8 <= to; i += 8) {
                long w = (long) LONGS.get(b, i);
                m = w & HIGHS | (w - spaces) & ~w & HIGHS | zeros(w ^ quotes) | zeros(w ^ backslashes)
                        | zeros(w ^ marks);
                if (m != 0) {
                    break;
                }
            }
            if (m != 0) {
                i += (int) ((((m & -m) >>> 7) * LANES) >>> 56); // numberOfTrailingZeros(m) >>> 3
            } else {
                while (i < to && LATIN1[b[i] & 0xff] == PLAIN) {
                    i++;
                }
                if (i == to) {
                    break;
                }
            }
            int ch = b[i] & 0xff;
            byte kind = LATIN1[ch];
            if (kind == ESCAPED) {
                int need = o + (to - run) + 6;
                if (need > l.length) {
                    l = lat = Arrays.copyOf(l, Math.max(need, 2 * l.length));
                }
                System.arraycopy(b, run, l, o, i - run);
                o += i - run;
                char esc = ESCAPE[ch];
                l[o++] = '\\';
                if (esc != 'u') {
                    l[o++] = (byte) esc;
                } else {
                    l[o++] = 'u';
                    l[o++] = '0';
                    l[o++] = '0';
                    l[o++] = (byte) HEX[ch >> 4];
                    l[o++] = (byte) HEX[ch & 0xf];
                }
                run = i + 1;
            } else if (kind == HIGH) {
                high++;
            } else if (s.charAt(i) != '?') {
                return false;
            }
            i++;
        }
        System.arraycopy(b, run, l, o, to - run);
        o += to - run;
        l[o++] = '"';
        extra += high;
        len = o;
        return true;
    }

    /**
     * {@link #latin1String(String, byte[], int, int)}'s reference, the two-pass form: {@link #nextStop} over the
     * string noting the escapes, then the runs between them copied.
     */
    private boolean latin1StringTwoPass(String s, byte[] bytes, int from, int to) {
        byte[] b = bytes;
        byte[] cls = LATIN1;
        int[] at = escapeAt;
        int escapes = 0;
        int high = 0;
        // only the bytes not PLAIN are looked at: found eight bytes a step (a long text is mostly plain runs)
        for (int i = nextStop(b, from, to); i < to; i = nextStop(b, i + 1, to)) {
            byte k = cls[b[i] & 0xff];
            if (k == ESCAPED) {
                if (at == null) {
                    at = escapeAt = new int[64];
                } else if (escapes == at.length) {
                    at = escapeAt = Arrays.copyOf(at, 2 * escapes);
                }
                at[escapes++] = i;
            } else if (k == HIGH) {
                high++;
            } else if (s.charAt(i) != '?') {
                return false;
            }
        }
        int n = to - from;
        extra += high;
        if (escapes == 0) {
            room(n + 2);
            byte[] l = lat;
            int o = len;
            l[o++] = '"';
            System.arraycopy(b, from, l, o, n);
            o += n;
            l[o++] = '"';
            len = o;
            return true;
        }
        room(n + 2 + 5 * escapes); // \\u00XX: 5 more than the char
        byte[] l = lat;
        int o = len;
        l[o++] = '"';
        int k = from; // the bytes before escape e are [k, at[e])
        for (int e = 0; e < escapes; e++) {
            int x = at[e];
            System.arraycopy(b, k, l, o, x - k);
            o += x - k;
            int ch = b[x] & 0xff;
            char esc = ESCAPE[ch];
            l[o++] = '\\';
            if (esc != 'u') {
                l[o++] = (byte) esc;
            } else {
                l[o++] = 'u';
                l[o++] = '0';
                l[o++] = '0';
                l[o++] = (byte) HEX[ch >> 4];
                l[o++] = (byte) HEX[ch & 0xf];
            }
            k = x + 1;
        }
        System.arraycopy(b, k, l, o, to - k);
        o += to - k;
        l[o++] = '"';
        len = o;
        return true;
    }

    private static final java.lang.invoke.VarHandle LONGS = java.lang.invoke.MethodHandles.byteArrayViewVarHandle(
            long[].class, java.nio.ByteOrder.LITTLE_ENDIAN);
    private static final long ONES = 0x0101010101010101L;
    private static final long HIGHS = 0x8080808080808080L;
    /** Byte j is {@code 7 - j}: the lowest flag's lane read off a product's top byte (as {@code ByteScan.lane}). */
    private static final long LANES = 0x0001020304050607L;

    /**
     * The first index in {@code [from, to)} whose byte is not {@link #PLAIN} in {@link #LATIN1} (below 0x20, a quote, a
     * backslash, a {@code '?'} or above 0x7F), else {@code to}: eight bytes a step, one {@code long} read and a few
     * word operations (as {@code ByteScan.jsonStringStop}, with the {@code '?'}s), where the plain loop
     * ({@link #nextStopReference}; SummaryJsonTest compares them) costs a load, a bounds check and a table read a
     * byte under C1, the log job's JIT. The flags of a word are exact in its lowest flagged byte (no borrow reaches
     * it), the one taken.
     */
    static int nextStop(byte[] b, int from, int to) {
        final long quotes = ONES * '"';
        final long backslashes = ONES * '\\';
        final long marks = ONES * '?';
        final long spaces = ONES * 0x20;
        int i = from;
        for (; i + 8 <= to; i += 8) {
            long w = (long) LONGS.get(b, i);
            long m = w & HIGHS | (w - spaces) & ~w & HIGHS | zeros(w ^ quotes) | zeros(w ^ backslashes)
                    | zeros(w ^ marks);
            if (m != 0) {
                return i + (int) ((((m & -m) >>> 7) * LANES) >>> 56); // numberOfTrailingZeros(m) >>> 3
            }
        }
        for (; i < to; i++) {
            if (LATIN1[b[i] & 0xff] != PLAIN) {
                return i;
            }
        }
        return to;
    }

    /** The bytes of {@code w} that are 0, flagged in their high bits (exact in the lowest flagged byte). */
    private static long zeros(long w) {
        return (w - ONES) & ~w & HIGHS;
    }

    /** {@link #nextStop}'s reference: the plain loop over {@link #LATIN1}. */
    static int nextStopReference(byte[] b, int from, int to) {
        for (int i = from; i < to; i++) {
            if (LATIN1[b[i] & 0xff] != PLAIN) {
                return i;
            }
        }
        return to;
    }

    /**
     * For tests: {@code s.substring(from, to)} written as a JSON string after {@code before} (ASCII, no escapes) by
     * the one-pass Latin-1 form, or by the two-pass reference ({@code twoPass}), into a text of {@code capacity}
     * bytes to start with (small: escapes then grow it); returns the text, {@code '|'} and the UTF-8 bytes beyond one
     * a char, or null where the Latin-1 form declines (a char from U+0100 on).
     */
    static String latin1ForTest(String before, String s, int from, int to, boolean twoPass, int capacity) {
        SummaryJson w = new SummaryJson(capacity);
        w.lat = new byte[Math.max(before.length(), capacity)];
        w.raw(before);
        byte[] b = latin1Bytes(s);
        if (b == null) {
            return null;
        }
        boolean done = twoPass ? w.latin1StringTwoPass(s, b, from, to) : w.latin1String(s, b, from, to);
        return done ? w.text() + "|" + w.extra : null;
    }

    /**
     * For tests: {@link #entryBytes}{@code (t, i, significance)}, or -1 where a string of the entry holds an unpaired
     * surrogate (its size is then not the bound's concern: the bounded form answers null).
     */
    static long entryBytesForTest(TemplateEntry t, int i, Map<Integer, Double> significance) {
        SummaryJson w = new SummaryJson(64);
        long b = w.entryBytes(t, i, significance);
        return w.sizer != null && w.sizer.unpaired ? -1 : b;
    }

    /** Scratch for {@link #latin1StringTwoPass}: where a string's bytes to escape are. */
    private int[] escapeAt;

    /** Scratch for a string's chars from its first escape on. */
    private char[] scratch;

    /**
     * The first index in {@code [from, to)} of {@code cs} whose char Jackson escapes, else {@code to}; the UTF-8 bytes
     * of the chars before it beyond one a char added to {@link #extra}, an unpaired surrogate noted ({@link #unpaired}).
     */
    private int plainRun(char[] cs, int from, int to) {
        char[] esc = ESCAPE;
        int i = from;
        while (i < to) {
            char ch = cs[i];
            if (ch < 128) {
                if (esc[ch] != 0) {
                    return i;
                }
            } else if (ch < 0x800) {
                extra++;
            } else if (!Character.isSurrogate(ch)) {
                extra += 2;
            } else if (Character.isHighSurrogate(ch) && i + 1 < to && Character.isLowSurrogate(cs[i + 1])) {
                extra += 2; // 4 bytes for the 2 chars
                i++;
            } else {
                unpaired = true;
            }
            i++;
        }
        return to;
    }

    /** A long's decimal digits ({@code Long.toString}). */
    private SummaryJson number(long v) {
        if (v == Long.MIN_VALUE) {
            return raw("-9223372036854775808");
        }
        room(20);
        if (v < 0) {
            v = -v;
            if (lat != null) {
                lat[len++] = '-';
            } else {
                buf[len++] = '-';
            }
        }
        if (v <= Integer.MAX_VALUE && lat != null) {
            digits((int) v); // offsets, counts and ids: an int's digits, two a division
            return this;
        }
        int d = 1;
        for (long x = v; x >= 10; x /= 10) {
            d++;
        }
        int at = len + d;
        len = at;
        if (lat != null) {
            byte[] l = lat;
            do {
                l[--at] = (byte) ('0' + (int) (v % 10));
                v /= 10;
            } while (v != 0);
            return this;
        }
        do {
            buf[--at] = (char) ('0' + (int) (v % 10));
            v /= 10;
        } while (v != 0);
        return this;
    }

    /** The decimal digits of {@code 0 <= v} into {@link #lat} (room made): {@code Integer.toString(v)}'s. */
    private void digits(int v) {
        int d = v < 10 ? 1 : v < 100 ? 2 : v < 1000 ? 3 : v < 10000 ? 4 : v < 100000 ? 5 : v < 1000000 ? 6
                : v < 10000000 ? 7 : v < 100000000 ? 8 : v < 1000000000 ? 9 : 10;
        byte[] l = lat;
        int at = len + d;
        len = at;
        while (v >= 100) {
            int q = v / 100;
            int r = v - 100 * q;
            l[--at] = DIGIT_ONES[r];
            l[--at] = DIGIT_TENS[r];
            v = q;
        }
        if (v >= 10) {
            l[--at] = DIGIT_ONES[v];
            l[--at] = DIGIT_TENS[v];
        } else {
            l[--at] = (byte) ('0' + v);
        }
    }

    /** Of {@code r} from 0 to 99: its last digit, and its digit before that ({@code '0'} below 10). */
    private static final byte[] DIGIT_ONES = new byte[100];
    private static final byte[] DIGIT_TENS = new byte[100];

    static {
        for (int r = 0; r < 100; r++) {
            DIGIT_ONES[r] = (byte) ('0' + r % 10);
            DIGIT_TENS[r] = (byte) ('0' + r / 10);
        }
    }

    /** A double as Jackson writes a finite one ({@link Double#toString}); not finite, as its quoted text. */
    private SummaryJson number(double v) {
        String s = rounded(v);
        if (s != null) {
            return raw(s);
        }
        s = Double.toString(v);
        return Double.isFinite(v) ? raw(s) : string(s);
    }

    /** How many of {@link LogSummarizer#round}'s values {@link #rounded} remembers the text of: 0 to 3.2767. */
    static final int ROUNDED = 1 << 15;
    /**
     * {@code Double.toString(k / 1e4)} by {@code k}, made the first time it is asked for (a String is immutable and
     * safely published through its final fields: a thread that sees another's String sees its text; two threads may
     * both make one, equal).
     */
    private static final String[] ROUNDED_TEXT = new String[ROUNDED];

    /**
     * {@code Double.toString(v)} where {@code v} is {@code k / 1e4} for an int {@code k} from 0 to {@link #ROUNDED}
     * less one (what {@link LogSummarizer#round} gives the innovation and significance of a template: every entry
     * writes two), remembered by {@code k}; null for any other {@code v} (-0.0 included).
     */
    static String rounded(double v) {
        long k = Math.round(v * 1e4);
        if (k < 0 || k >= ROUNDED || k / 1e4 != v || (k == 0 && Double.doubleToRawLongBits(v) != 0)) {
            return null;
        }
        String s = ROUNDED_TEXT[(int) k];
        if (s == null) {
            s = Double.toString(v);
            ROUNDED_TEXT[(int) k] = s;
        }
        return s;
    }
}
