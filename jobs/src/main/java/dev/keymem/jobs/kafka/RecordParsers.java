package dev.keymem.jobs.kafka;

import dev.keymem.operators.DeadLetter;

/** Common {@link RecordParser}s. */
public final class RecordParsers {
    private RecordParsers() {
    }

    /**
     * Decodes the value as strict UTF-8 text. Rejects: a null value ("value is null (tombstone)"), a value
     * over {@code maxBytes} bytes ("value has N bytes, over the limit of M"), and bytes that are not valid
     * UTF-8 ("value is not valid UTF-8").
     */
    public static RecordParser<KeyedText> utf8Text(int maxBytes) {
        if (maxBytes < 1) {
            throw new IllegalArgumentException("maxBytes must be >= 1, got " + maxBytes);
        }
        return record -> new KeyedText(record, decode(record, maxBytes));
    }

    /**
     * Decodes like {@link #utf8Text(int)}, then masks and tokenizes with {@code frontEnd}. Besides the
     * UTF-8 reasons it rejects a blank line ("value is blank") and a template over the front end's token
     * limit (the {@link dev.keymem.jobs.text.TokenLimitException} message, e.g. "text has more than 512
     * tokens ..."). The front end is serialized with the parser (it is small: regexes and settings).
     */
    public static RecordParser<TokenizedLine> tokenizedLine(dev.keymem.jobs.text.TextFrontEnd frontEnd, int maxBytes) {
        java.util.Objects.requireNonNull(frontEnd, "frontEnd");
        if (maxBytes < 1) {
            throw new IllegalArgumentException("maxBytes must be >= 1, got " + maxBytes);
        }
        return record -> {
            String text = decode(record, maxBytes);
            if (text.isBlank()) {
                throw new InvalidRecordException("value is blank");
            }
            String template = frontEnd.template(text);
            try {
                return new TokenizedLine(record, text, template, frontEnd.tokenizer().encode(template));
            } catch (dev.keymem.jobs.text.TokenLimitException e) {
                throw new InvalidRecordException(e.getMessage(), e);
            }
        };
    }

    /** Longest exception text a {@link #failed} reason carries. */
    static final int MAX_FAILURE_CHARS = 300;

    /**
     * The dead-letter reason of a record whose parser threw {@code e}, an exception that is no refusal
     * ({@link InvalidRecordException}): a parser's bug on that record, or a limit of a library under it (a
     * {@link StackOverflowError} of deep nesting). The parse steps dead-letter such a record with this reason,
     * {@code "parser failed on this record: " + e} on one line, cut to {@link #MAX_FAILURE_CHARS} characters,
     * instead of failing the job on it at every restart: the record's coordinates and the cause are in the dead
     * letter, and the job goes on with the next record.
     */
    public static String failed(Throwable e) {
        String s = String.valueOf(e).replace('\n', ' ').replace('\r', ' ');
        if (s.length() > MAX_FAILURE_CHARS) {
            s = s.substring(0, MAX_FAILURE_CHARS) + "...";
        }
        return "parser failed on this record: " + s;
    }

    /**
     * The value of {@code record} as strict UTF-8, checked as {@link #utf8Text(int)} describes, without a
     * leading byte order mark.
     */
    public static String decode(KafkaRecord record, int maxBytes) throws InvalidRecordException {
        if (record.value == null) {
            throw new InvalidRecordException("value is null (tombstone)");
        }
        if (record.value.length > maxBytes) {
            // a line a file run's reader cut (only its first bytes held): the line's own length
            long bytes = Math.max(record.value.length, record.lineBytes);
            throw new InvalidRecordException("value has " + bytes + " bytes, over the limit of " + maxBytes);
        }
        String text = strictUtf8(record.value);
        if (text == null) {
            throw new InvalidRecordException("value is not valid UTF-8");
        }
        // a byte order mark (the first line of a file saved by some editors) is not part of the text
        return text.startsWith("\uFEFF") ? text.substring(1) : text;
    }

    /**
     * {@code b} as UTF-8 text, or null where it is not strict UTF-8: {@link DeadLetter#strictUtf8}'s answer (the
     * reference, a {@code CharsetDecoder} that reports malformed input; RecordParsersUtf8Test compares the two),
     * checked by hand ({@link #utf8End}) and then decoded by {@code new String(b, UTF_8)}, which for well-formed
     * bytes gives the same chars without the decoder's objects and buffer copies.
     */
    public static String strictUtf8(byte[] b) {
        return utf8End(b) < 0 ? null : new String(b, java.nio.charset.StandardCharsets.UTF_8);
    }

    /**
     * {@code b.length} where {@code b} is well-formed UTF-8 (RFC 3629: no overlong form, no surrogate, nothing
     * above U+10FFFF, no cut sequence), else -1: the bytes over 127 checked one sequence at a time, the ASCII runs
     * between them skipped eight bytes a step.
     */
    static int utf8End(byte[] b) {
        int n = b.length;
        int i = 0;
        while (true) {
            i = ByteScan.indexOfNegative(b, i, n);
            if (i < 0) {
                return n;
            }
            int c = b[i] & 0xFF;
            if (c < 0xC2) {
                return -1; // a continuation byte, or an overlong two-byte form
            }
            if (c < 0xE0) {
                if (i + 1 >= n || (b[i + 1] & 0xC0) != 0x80) {
                    return -1;
                }
                i += 2;
            } else if (c < 0xF0) {
                if (i + 2 >= n) {
                    return -1;
                }
                int c1 = b[i + 1] & 0xFF;
                // E0: no overlong form (A0..BF); ED: no surrogate (80..9F)
                if (c == 0xE0 ? c1 < 0xA0 || c1 > 0xBF : c == 0xED ? c1 < 0x80 || c1 > 0x9F : (c1 & 0xC0) != 0x80) {
                    return -1;
                }
                if ((b[i + 2] & 0xC0) != 0x80) {
                    return -1;
                }
                i += 3;
            } else if (c < 0xF5) {
                if (i + 3 >= n) {
                    return -1;
                }
                int c1 = b[i + 1] & 0xFF;
                // F0: no overlong form (90..BF); F4: nothing above U+10FFFF (80..8F)
                if (c == 0xF0 ? c1 < 0x90 || c1 > 0xBF : c == 0xF4 ? c1 < 0x80 || c1 > 0x8F : (c1 & 0xC0) != 0x80) {
                    return -1;
                }
                if ((b[i + 2] & 0xC0) != 0x80 || (b[i + 3] & 0xC0) != 0x80) {
                    return -1;
                }
                i += 4;
            } else {
                return -1;
            }
        }
    }

    /**
     * {@code s} with each unpaired surrogate replaced by U+FFFD; {@code s} itself when it has none. JSON may
     * carry one as an escape (e.g. {@code "\\ud800"}): it is not text (no UTF-8 encoding, and the tokenizer
     * rejects it), so the parsers replace it as UTF-8 decoding replaces a malformed byte.
     */
    public static String wellFormed(String s) {
        if (s == null) {
            return null;
        }
        int n = s.length();
        StringBuilder sb = null;
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            if (!Character.isSurrogate(c)) {
                if (sb != null) {
                    sb.append(c);
                }
                continue;
            }
            boolean paired = Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(s.charAt(i + 1));
            if (paired) {
                if (sb != null) {
                    sb.append(c).append(s.charAt(i + 1));
                }
                i++;
            } else {
                if (sb == null) {
                    sb = new StringBuilder(n).append(s, 0, i);
                }
                sb.append('\uFFFD');
            }
        }
        return sb == null ? s : sb.toString();
    }

    /**
     * The refusal of a JSON value with more than white space after its object: two objects glued on one line
     * (<code>{"a":1}{"b":2}</code>, also with white space between), or text after the object. The rule of both
     * jobs: a record is one JSON object; the line is dead-lettered whole (not split: a record's coordinates name
     * one line, and a split line's objects would share them), so {@code jq -c . FILE} (which writes one object a
     * line) mends such a file. The references ({@link #moreAfterJson}) and the readers of the bytes (which decline
     * anything but JSON white space after the object) give it alike.
     */
    public static final String MORE_AFTER_JSON =
            "value has more after its JSON object (one JSON object a line; two objects glued on one line?)";

    /**
     * The refusal of {@code value}, whose first JSON value {@code p} (a parser of {@code value}) has just read, for
     * what follows that value: null if only white space ({@link Character#isWhitespace}, what {@link String#isBlank}
     * skips) follows, else {@link #moreAfterJson(int)} of the first other character: the references' test.
     */
    public static String moreAfterJson(String value, com.fasterxml.jackson.core.JsonParser p) {
        long end = p.currentLocation().getCharOffset();
        for (int i = (int) Math.max(0, end); i < value.length(); i++) {
            if (!Character.isWhitespace(value.charAt(i))) {
                return moreAfterJson(value.codePointAt(i));
            }
        }
        return null;
    }

    /**
     * The refusal of a JSON object that code point {@code c} (not white space) follows: {@link #MORE_AFTER_JSON} for
     * a {@code {}, else one that names {@code c} (a NUL byte, say, which some producers end a record with).
     */
    public static String moreAfterJson(int c) {
        if (c == '{') {
            return MORE_AFTER_JSON;
        }
        String what = c == 0 ? "a NUL byte" : Character.isISOControl(c) ? String.format("control character U+%04X", c)
                : "'" + new String(Character.toChars(c)) + "'";
        return "value has " + what + " after its JSON object (one JSON object a line)";
    }

    /**
     * The index of the first byte of {@code b} from {@code i} that is not JSON whitespace (space, line feed, carriage
     * return, tab); {@code b.length} if none. For the parsers' hand readers of ASCII JSON bytes.
     */
    public static int skipJsonSpace(byte[] b, int i) {
        while (i < b.length && (b[i] == ' ' || b[i] == '\n' || b[i] == '\r' || b[i] == '\t')) {
            i++;
        }
        return i;
    }

    /** Whether the bytes of {@code b} from {@code i} start with the ASCII chars of {@code w}. */
    public static boolean startsWithAscii(byte[] b, int i, String w) {
        if (i + w.length() > b.length) {
            return false;
        }
        for (int k = 0; k < w.length(); k++) {
            if (b[i + k] != w.charAt(k)) {
                return false;
            }
        }
        return true;
    }
}
