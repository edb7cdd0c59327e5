package dev.keymem.jobs.context;

import dev.keymem.jobs.kafka.ByteScan;

/**
 * JSON written by hand where the context job writes much of it: strings escaped as Jackson's generators escape
 * them by default, and the scaled numbers of the answers ({@code r / 10^k} for a long {@code r}) as
 * {@link Double#toString} writes them (which is what Jackson writes for a double). Tests compare both with
 * Jackson and {@code Double.toString} (the scaled numbers exhaustively over the range written by hand).
 */
final class JsonText {
    private static final char[] HEX = "0123456789ABCDEF".toCharArray();

    /** Below this magnitude {@code r} is written by hand; larger ones go through {@link Double#toString}. */
    static final long HAND_LIMIT = 1L << 20;

    private JsonText() {
    }

    /**
     * {@code s} as a JSON string, quoted: {@code "} and {@code \} escaped with a backslash, the control
     * characters below U+0020 as the short escapes of b, t, n, f, r or as six-character unicode escapes (upper-case
     * hex), everything else as
     * it is (Jackson's default escapes); null as {@code null}.
     */
    static void appendString(StringBuilder b, String s) {
        if (s == null) {
            b.append("null");
            return;
        }
        b.append('"');
        int n = s.length();
        int start = 0;
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            if (c >= 0x20 && c != '"' && c != '\\') {
                continue;
            }
            b.append(s, start, i);
            start = i + 1;
            appendEscape(b, c);
        }
        b.append(s, start, n);
        b.append('"');
    }

    /** The escape of {@code c}, a quote, a backslash or a char below 0x20, as Jackson writes it. */
    private static void appendEscape(StringBuilder b, char c) {
        switch (c) {
            case '"' -> b.append("\\\"");
            case '\\' -> b.append("\\\\");
            case '\b' -> b.append("\\b");
            case '\t' -> b.append("\\t");
            case '\n' -> b.append("\\n");
            case '\f' -> b.append("\\f");
            case '\r' -> b.append("\\r");
            default -> b.append("\\u00").append(HEX[c >> 4]).append(HEX[c & 15]);
        }
    }

    /**
     * {@link #appendString(StringBuilder, String)} (the reference form; the same chars), with {@code s}'s chars
     * looked at eight a step: their low bytes copied into {@code scratch} ({@code String.getBytes(int, int, byte[],
     * int)}: a Latin-1 string's bytes copied as they are) and scanned by {@link ByteScan#jsonStringStop}, which
     * stops at every byte that is a quote, a backslash, below 0x20 or over 127. A char that needs an escape is
     * below 0x20 or a quote or a backslash, so its low byte is itself and the scan stops there; at each stop the
     * char itself decides (a char whose low byte only looks so, or one over 127, is written as it is), and the
     * plain runs between escapes are appended whole. Under C1 (file runs) the reference's {@code charAt} a char
     * was most of the answers' string writing. A text longer than {@code scratch} (or null) goes to the reference.
     */
    @SuppressWarnings("deprecation")
    static void appendString(StringBuilder b, String s, byte[] scratch) {
        if (s == null || s.length() > scratch.length) {
            appendString(b, s);
            return;
        }
        b.append('"');
        int n = s.length();
        s.getBytes(0, n, scratch, 0);
        int start = 0;
        int i = 0;
        while ((i = ByteScan.jsonStringStop(scratch, i, n)) < n) {
            char c = s.charAt(i);
            if (c >= 0x20 && c != '"' && c != '\\') {
                i++;
                continue;
            }
            b.append(s, start, i);
            start = ++i;
            appendEscape(b, c);
        }
        b.append(s, start, n);
        b.append('"');
    }

    private static final long[] POW10 = {1, 10, 100, 1_000, 10_000, 100_000, 1_000_000};
    private static final double[] POW10D = {1, 10, 100, 1e3, 1e4, 1e5, 1e6};

    /**
     * {@code Double.toString(r / 10^k)} ({@code r / 1e4} for k = 4, {@code r / 1e5} for k = 5), written
     * without converting: for |r| below {@link #HAND_LIMIT} that double's shortest decimal is r's digits
     * with the point moved (no other decimal of at most 7 digits is as close), in Double.toString's layout:
     * plain from 10^-3 up ("0.0088", "12.5", "3.0"), computerized scientific notation below ("8.0E-5",
     * "-3.3E-4").
     */
    static void appendScaled(StringBuilder b, long r, int k, char[] scratch) {
        // both layouts' chars made in scratch and appended at once (the reference appends the parts as longs, each
        // a length count and a digit loop, and strips zeros by division): r's digits, each by a multiply and a
        // shift (C1, which compiles file runs, divides by a constant with a division instruction), then the plain
        // layout (at least k + 1 digits, the point before the last k, the fraction's trailing zeros dropped but
        // one) or the scientific one (d.ddd, trailing zeros dropped but one, "E-" and one digit: r below 10^(k-3)
        // has at most 3 digits, so the exponent is -4 to -6). Zero and the values not written by hand go to the
        // reference.
        if (r == 0 || r <= -HAND_LIMIT || r >= HAND_LIMIT || k < 1 || k > 6 || scratch.length < 16) {
            appendScaled(b, r, k);
            return;
        }
        int v = (int) (r < 0 ? -r : r); // below 2^20
        char[] c = scratch;
        int end = c.length;
        int i = end;
        if ((long) v * 1000 < POW10[k]) {
            do {
                int q = div10(v);
                c[--i] = (char) ('0' + v - 10 * q);
                v = q;
            } while (v != 0);
            int digits = end - i;
            int last = end;
            while (last > i + 1 && c[last - 1] == '0') {
                last--;
            }
            int o = 0;
            if (r < 0) {
                c[o++] = '-';
            }
            c[o++] = c[i];
            c[o++] = '.';
            if (last == i + 1) {
                c[o++] = '0';
            } else {
                for (int j = i + 1; j < last; j++) {
                    c[o++] = c[j];
                }
            }
            c[o++] = 'E';
            c[o++] = '-';
            c[o++] = (char) ('0' + k + 1 - digits);
            b.append(c, 0, o);
            return;
        }
        int count = 0;
        while (v != 0 || count <= k) {
            int q = div10(v);
            c[--i] = (char) ('0' + v - 10 * q);
            v = q;
            count++;
        }
        int point = end - k - 1;
        for (int j = i; j <= point; j++) { // the whole part one to the left, the point after it
            c[j - 1] = c[j];
        }
        i--;
        c[point] = '.';
        if (r < 0) {
            c[--i] = '-';
        }
        int last = end;
        while (last > point + 2 && c[last - 1] == '0') {
            last--;
        }
        b.append(c, i, last - i);
    }

    /**
     * {@code v / 10} for {@code 0 <= v < 2^31}: the multiply by 0xCCCCCCCD and the shift by 35 that divide any
     * unsigned 32-bit int by 10 exactly.
     */
    static int div10(int v) {
        return (int) ((v * 0xCCCCCCCDL) >>> 35);
    }

    /**
     * {@link #appendScaled(StringBuilder, long, int, char[])} appending the parts as longs (the reference form, tests
     * compare; and the scientific layout's writer).
     */
    static void appendScaled(StringBuilder b, long r, int k) {
        if (r == 0) {
            b.append("0.0");
            return;
        }
        if (r <= -HAND_LIMIT || r >= HAND_LIMIT || k < 1 || k > 6) {
            b.append(Double.toString(r / POW10D[k]));
            return;
        }
        if (r < 0) {
            b.append('-');
            r = -r;
        }
        long p = POW10[k];
        if (r * 1000 >= p) {
            // plain: integer part, point, the k fraction digits without trailing zeros (at least one)
            long whole = r / p;
            long frac = r % p;
            b.append(whole).append('.');
            if (frac == 0) {
                b.append('0');
                return;
            }
            int digits = k;
            while (frac % 10 == 0) {
                frac /= 10;
                digits--;
            }
            for (long q = POW10[digits - 1]; q > frac; q /= 10) {
                b.append('0');
            }
            b.append(frac);
            return;
        }
        // r / 10^k < 10^-3: d.dddE-x from r's digits
        int digits = 1;
        while (digits < 7 && POW10[digits] <= r) {
            digits++;
        }
        int exp = digits - 1 - k;
        long lead = r / POW10[digits - 1];
        long rest = r % POW10[digits - 1];
        b.append(lead).append('.');
        if (rest == 0) {
            b.append('0');
        } else {
            int rd = digits - 1;
            while (rest % 10 == 0) {
                rest /= 10;
                rd--;
            }
            for (long q = POW10[rd - 1]; q > rest; q /= 10) {
                b.append('0');
            }
            b.append(rest);
        }
        b.append('E').append(exp);
    }
}
