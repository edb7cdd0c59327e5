package dev.keymem.jobs.logs;

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

    private char[] buf;
    private int len;

    private SummaryJson(int capacity) {
        buf = new char[Math.max(64, capacity)];
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
        w.raw("{\"source\":").string(source);
        w.raw(",\"summary\":").number(m.summaries);
        w.raw(",\"from_offset\":").number(m.fromOffset);
        w.raw(",\"to_offset\":").number(m.lastOffset);
        w.raw(",\"lines_since_last\":").number(m.linesSinceLast);
        w.raw(",\"lines_total\":").number(m.position);
        w.raw(last ? ",\"final\":true" : ",\"final\":false");
        w.raw(",\"memory\":").string(memory.configName());
        w.raw(",\"templates_known\":").number(templatesKnown);
        w.raw(",\"templates\":[");
        for (int i = 0; i < kept; i++) {
            TemplateEntry t = listed.get(i);
            w.raw(i == 0 ? "{\"id\":" : ",{\"id\":").number(t.id);
            w.raw(",\"template\":").string(t.template);
            w.raw(",\"count\":").number(t.count);
            w.raw(",\"first_offset\":").number(t.firstOffset);
            w.raw(",\"last_offset\":").number(t.lastOffset);
            w.raw(",\"params\":[");
            String p = t.params;
            if (!p.isEmpty()) {
                // the packed list: each element '+' and its text, separated by SEP (LogSummarizer.split)
                int from = 0;
                int n = p.length();
                while (true) {
                    int to = p.indexOf(TemplateEntry.SEP, from);
                    if (to < 0) {
                        to = n;
                    }
                    if (from > 0) {
                        w.raw(",");
                    }
                    w.string(p, from + 1, to);
                    if (to == n) {
                        break;
                    }
                    from = to + 1;
                }
            }
            w.raw("],\"params_distinct\":").number(t.paramsDistinct);
            w.raw(",\"innovation\":").number(LogSummarizer.round(t.innovation));
            w.raw(",\"significance\":").number(LogSummarizer.round(LogSummarizer.significance(t, significance)));
            if (t.text != null) {
                w.raw(",\"flag\":").string(t.flag);
                w.raw(",\"text\":").string(t.text);
                w.raw(",\"offset\":").number(t.textOffset);
                if (t.textTimestamp >= 0) {
                    w.raw(",\"timestamp\":").string(Instant.ofEpochMilli(t.textTimestamp).toString());
                }
            }
            w.raw("}");
        }
        w.raw("],\"verbatim\":").number(c.verbatim);
        w.raw(",\"dropped\":").number(c.dropped);
        w.raw(",\"dropped_lines\":").number(c.droppedLines);
        if (kept < listed.size()) {
            w.raw(",\"templates_cut\":").number(listed.size() - kept);
        }
        w.raw("}");
        return new String(w.buf, 0, w.len);
    }

    private void room(int more) {
        if (len + more > buf.length) {
            buf = Arrays.copyOf(buf, Math.max(len + more, buf.length * 2));
        }
    }

    /** Appends {@code s} as it is (names and punctuation: ASCII, nothing to escape). */
    private SummaryJson raw(String s) {
        int n = s.length();
        room(n);
        s.getChars(0, n, buf, len);
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
     * to escape on, the rest is written again char by char with its escapes.
     */
    private SummaryJson string(String s, int from, int to) {
        int n = to - from;
        room(n + 2);
        char[] b = buf;
        int o = len;
        b[o++] = '"';
        s.getChars(from, to, b, o);
        int end = o + n;
        int i = o;
        while (i < end) {
            char ch = b[i];
            if (ch < 128 && ESCAPE[ch] != 0) {
                break;
            }
            i++;
        }
        if (i == end) {
            b[end] = '"';
            len = end + 1;
            return this;
        }
        // an escape at i: the chars before it stay; the rest is written from the string itself
        len = i;
        escaped(s, from + (i - o), to);
        room(1);
        buf[len++] = '"';
        return this;
    }

    /** Appends {@code s.substring(from, to)} with Jackson's escapes. */
    private void escaped(String s, int from, int to) {
        for (int k = from; k < to; k++) {
            char ch = s.charAt(k);
            char e = ch < 128 ? ESCAPE[ch] : 0;
            if (e == 0) {
                room(1);
                buf[len++] = ch;
            } else if (e != 'u') {
                room(2);
                buf[len++] = '\\';
                buf[len++] = e;
            } else {
                room(6);
                buf[len++] = '\\';
                buf[len++] = 'u';
                buf[len++] = '0';
                buf[len++] = '0';
                buf[len++] = HEX[ch >> 4];
                buf[len++] = HEX[ch & 0xf];
            }
        }
    }

    /** A long's decimal digits ({@code Long.toString}). */
    private SummaryJson number(long v) {
        if (v == Long.MIN_VALUE) {
            return raw("-9223372036854775808");
        }
        room(20);
        if (v < 0) {
            buf[len++] = '-';
            v = -v;
        }
        int d = 1;
        for (long x = v; x >= 10; x /= 10) {
            d++;
        }
        int at = len + d;
        len = at;
        do {
            buf[--at] = (char) ('0' + (int) (v % 10));
            v /= 10;
        } while (v != 0);
        return this;
    }

    /** A double as Jackson writes a finite one ({@link Double#toString}); not finite, as its quoted text. */
    private SummaryJson number(double v) {
        String s = Double.toString(v);
        return Double.isFinite(v) ? raw(s) : string(s);
    }
}
