package dev.keymem.jobs.logs;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The prefix of a Kubernetes CRI container log line, as the container runtime (containerd, CRI-O) writes the files
 * under {@code /var/log/pods} that log shippers read: {@code <RFC 3339 time> <stdout|stderr> <F|P> <message>}
 * ({@code F} a full line or the last piece of a long one, {@code P} a partial piece; kubelet's CRI logging
 * design). {@link #messageStart} tells where the message starts, so that the miner sees the program's own line and
 * not the stream and the tag (which otherwise split every template by stream, docs/benchmarks.md "Log formats
 * probe"). The parser marks the line with its stream and tag ({@code LogLine#cri}); the keyed step joins the
 * partial pieces of a long line ({@link CriLineJoin}). Written by hand (a fixed three-field prefix);
 * {@link #messageStartByRegex} is the reference.
 */
final class CriLogPrefix {
    private static final Pattern PREFIX = Pattern.compile("^\\d{4}-\\d{2}-\\d{2}T\\S+ (?:stdout|stderr) [FP] ");
    /** The offsets of the date's digits in {@code yyyy-mm-dd}. */
    private static final int[] DATE_DIGITS = {0, 1, 2, 3, 5, 6, 8, 9};

    private CriLogPrefix() {
    }

    /** The index where the message of a CRI line starts, or -1 when {@code v} does not start with the prefix. */
    static int messageStart(String v) {
        return messageStart(v, 0, v.length());
    }

    /** {@link #messageStart(String)} of {@code v.substring(from, to)}, as an index into {@code v}. */
    static int messageStart(String v, int from, int to) {
        int n = to - from;
        if (n < 20 || v.charAt(from + 10) != 'T' || v.charAt(from + 4) != '-' || v.charAt(from + 7) != '-') {
            return -1;
        }
        for (int i : DATE_DIGITS) {
            char c = v.charAt(from + i);
            if (c < '0' || c > '9') {
                return -1;
            }
        }
        int sp = v.indexOf(' ', from + 11);
        if (sp <= from + 11 || sp >= to) { // none, or an empty time after the T
            return -1;
        }
        for (int i = from + 11; i < sp; i++) {
            if (Character.isWhitespace(v.charAt(i))) {
                return -1;
            }
        }
        int tag = v.startsWith("stdout ", sp + 1) || v.startsWith("stderr ", sp + 1) ? sp + 8 : -1;
        if (tag < 0 || tag + 1 >= to || (v.charAt(tag) != 'F' && v.charAt(tag) != 'P') || v.charAt(tag + 1) != ' ') {
            return -1;
        }
        return tag + 2;
    }

    /** {@link #messageStart} with the regex {@link #PREFIX} (the reference). */
    static int messageStartByRegex(String v) {
        Matcher m = PREFIX.matcher(v);
        return m.find() ? m.end() : -1;
    }
}
