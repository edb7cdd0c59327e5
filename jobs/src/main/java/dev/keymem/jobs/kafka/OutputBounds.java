package dev.keymem.jobs.kafka;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;

/**
 * Keeps a job's JSON result under a byte limit, so that no output can exceed what Flink's collect sink
 * or a Kafka producer accepts (which would fail and restart the job forever).
 *
 * <p>A result within the limit is returned unchanged (the same string). Otherwise the result is the JSON
 * object re-serialized (compact, as Jackson writes a tree) after these steps, while it is too large: the last
 * entries of its largest top-level array (a summary's {@code templates}, an answer's {@code events}) are
 * dropped, as many as the excess over the array's mean entry size (at least one), and {@code "<array>_cut": n}
 * records how many were; when no array entry is left to drop, the longest string anywhere in it is cut in half,
 * marked {@code …[cut]}. The result stays valid JSON with every other field as it was.
 *
 * <p>The cost is about one pass over the result: a result in the form Jackson writes (every job's own results)
 * is scanned once, measuring the UTF-8 bytes of each top-level field and of each top-level array's entries;
 * the steps are then decided on those sizes and the output is copied from the input's pieces. Other input is
 * parsed and re-serialized once first. Outputs are those of {@code OutputBoundsReference} (which re-serializes
 * the tree after every step), bit for bit.
 */
public final class OutputBounds {
    private OutputBounds() {
    }

    /** Made on the first result that needs a tree: no {@code ObjectMapper} initialization in runs that need none. */
    private static final class Mapper {
        static final ObjectMapper JSON = new ObjectMapper();
    }

    /** {@code json} bounded to {@code maxBytes} UTF-8 bytes, as described in the class comment. */
    public static String bound(String json, int maxBytes) {
        return bound(json, maxBytes, -1);
    }

    /**
     * {@link #bound(String, int)} of a {@code json} whose UTF-8 bytes ({@link #utf8Length}) the caller counted as it
     * wrote it: {@code utf8Bytes}, or -1 where not known (then measured here, as {@code bound(json, maxBytes)} does).
     * The same result; a result within the limit is not scanned again. A count that cannot be {@code json}'s (fewer
     * bytes than chars, or more than 3 bytes a char) is not trusted: the text is measured.
     */
    public static String bound(String json, int maxBytes, long utf8Bytes) {
        if (json == null || json.length() * 3L <= maxBytes
                || (utf8Bytes >= json.length() && utf8Bytes <= json.length() * 3L ? utf8Bytes <= maxBytes
                : json.length() <= maxBytes && utf8Length(json) <= maxBytes)) { // (more chars: more bytes)
            return json;
        }
        Layout l = Layout.scan(json);
        if (l == null) {
            // not in the form Jackson writes: the reference's first step (parse, re-serialize), then measure that
            String s = parse(json).toString();
            l = Layout.scan(s);
            if (l == null) {
                return OutputBoundsReference.bound(json, maxBytes); // e.g. lone surrogates: rare, the slow way
            }
        }
        return l.bound(maxBytes);
    }

    /**
     * How many entries of a result's list {@link #bound} keeps, decided on sizes alone: for a writer that stops
     * writing the list there instead of writing all of it for {@code bound} to cut (the log summaries). The
     * result is a JSON object in the form Jackson writes (see {@link Layout}) of {@code totalBytes} UTF-8 bytes
     * whose list is its only top-level array and which has no field {@code "<list>_cut"}; {@code nameBytes} is
     * the size of the list's {@code "<list>":} and {@code ends[i]} that of the list's text from its {@code [} to
     * the end of entry {@code i}, of {@code n} entries. {@code bound} keeps the first {@code k} entries of the
     * list ({@code n} when the result is within {@code maxBytes}: it is then returned unchanged) and, when
     * {@code k < n}, appends {@code "<list>_cut": n - k} as the last field; the answer is {@code k}, or -1 where
     * the result is still over the limit then ({@code bound} cuts strings too) or is over 2 GiB. The same
     * steps as {@link Layout#bound}, on one array.
     */
    public static int keptEntries(long totalBytes, int nameBytes, long[] ends, int n, int maxBytes) {
        if (totalBytes > Integer.MAX_VALUE) {
            return -1;
        }
        long total = totalBytes;
        int kept = n;
        int cut = 0;
        while (total > maxBytes) {
            if (kept == 0) {
                return -1;
            }
            long size = listBytes(ends, kept);
            int drop = dropCount(size, kept, total - maxBytes);
            kept -= drop;
            total += listBytes(ends, kept) - size;
            total += cut == 0 ? 1 + nameBytes + 4 + Layout.digits(drop) // ',"<list>_cut":' and the count
                    : Layout.digits(cut + drop) - Layout.digits(cut);
            cut += drop;
        }
        return kept;
    }

    /**
     * One step of the bound: how many of an array's last entries to drop, {@code kept > 0} of them written in
     * {@code arrayBytes}, where the result is {@code excess} bytes over the limit: the excess over the entries'
     * mean size, at least one, at most all (the reference's rule, used by {@link Layout#bound} and
     * {@link #keptEntries}).
     */
    static int dropCount(long arrayBytes, int kept, long excess) {
        long per = Math.max(1, arrayBytes / kept);
        return (int) Math.max(1, Math.min(kept, excess / per));
    }

    /** The UTF-8 bytes of a list's first {@code k} entries with their brackets. */
    private static long listBytes(long[] ends, int k) {
        return k == 0 ? 2 : ends[k - 1] + 1;
    }

    /**
     * UTF-8 bytes of {@code s} as {@code s.getBytes(UTF_8).length} counts them (an unpaired surrogate is one
     * byte, the {@code ?} it is replaced by), without encoding it.
     */
    static int utf8Length(String s) {
        int n = s.length();
        int bytes = n;
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            if (c >= 0x80) {
                if (c < 0x800) {
                    bytes += 1;
                } else if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(s.charAt(i + 1))) {
                    bytes += 2; // 4 bytes for the 2 chars
                    i++;
                } else if (!Character.isSurrogate(c)) {
                    bytes += 2;
                }
            }
        }
        return bytes;
    }

    private static ObjectNode parse(String json) {
        return (ObjectNode) parse(json, false);
    }

    private static JsonNode parse(String json, boolean anyValue) {
        JsonNode root;
        try {
            root = Mapper.JSON.readTree(json);
        } catch (Exception e) {
            throw new IllegalArgumentException("not JSON: " + e.getMessage(), e);
        }
        if (!anyValue && !(root instanceof ObjectNode)) {
            throw new IllegalArgumentException("a job result is a JSON object");
        }
        return root;
    }

    /**
     * The top-level fields of a JSON object in the form Jackson writes it (compact; strings escaped as Jackson
     * escapes them; numbers as a tree writes them back; no duplicate names), with their UTF-8 byte sizes and
     * the end of each entry of each top-level array. {@link #scan} answers null for any other text, so a layout
     * exists only for text that a parse and re-serialization would reproduce exactly.
     */
    static final class Layout {
        /** Deeper nesting is left to the parser (which limits it). */
        private static final int MAX_DEPTH = 200;
        /** Longer numbers are left to the parser (which limits them). */
        private static final int MAX_NUMBER = 100;

        private final String s;
        private int pos;
        /** UTF-8 bytes minus chars, up to {@link #pos}. */
        private int extra;
        /** Raw field names of the open objects, as [start, end) pairs: for the duplicate-name check. */
        private int[] names = new int[64];
        private int namesTop;

        // top-level fields, in order
        private int n;
        private int[] nameStart = new int[16];
        private int[] valueStart = new int[16];
        private int[] valueEnd = new int[16];
        private int[] nameBytes = new int[16];
        private int[] valueBytes = new int[16];
        /** Byte offset of a top-level array's '['; -1 for other values. */
        private int[] openByte = new int[16];
        private int[][] entryEndChar = new int[16][];
        private int[][] entryEndByte = new int[16][];
        private int[] entries = new int[16];

        private Layout(String s) {
            this.s = s;
        }

        /** The layout of {@code s}, or null where it is not exactly what Jackson writes for its tree. */
        static Layout scan(String s) {
            Layout l = new Layout(s);
            return s.length() > 0 && s.charAt(0) == '{' && l.object(1, true) && l.pos == s.length() ? l : null;
        }

        private char at(int i) {
            return i < s.length() ? s.charAt(i) : '\0';
        }

        private boolean value(int depth) {
            if (depth > MAX_DEPTH) {
                return false;
            }
            char c = at(pos);
            switch (c) {
                case '{':
                    return object(depth, false);
                case '[':
                    return array(depth, -1);
                case '"':
                    return string();
                case 't':
                    return literal("true");
                case 'f':
                    return literal("false");
                case 'n':
                    return literal("null");
                default:
                    return (c == '-' || (c >= '0' && c <= '9')) && number();
            }
        }

        private boolean literal(String w) {
            if (!s.startsWith(w, pos)) {
                return false;
            }
            pos += w.length();
            return true;
        }

        private boolean number() {
            int start = pos;
            boolean fp = false;
            if (at(pos) == '-') {
                pos++;
            }
            if (at(pos) == '0') {
                pos++;
            } else if (at(pos) >= '1' && at(pos) <= '9') {
                while (at(pos) >= '0' && at(pos) <= '9') {
                    pos++;
                }
            } else {
                return false;
            }
            if (at(pos) == '.') {
                fp = true;
                pos++;
                if (!digits()) {
                    return false;
                }
            }
            if (at(pos) == 'e' || at(pos) == 'E') {
                fp = true;
                pos++;
                if (at(pos) == '+' || at(pos) == '-') {
                    pos++;
                }
                if (!digits()) {
                    return false;
                }
            }
            int len = pos - start;
            if (len > MAX_NUMBER) {
                return false;
            }
            if (!fp) {
                return !(len == 2 && s.charAt(start) == '-' && s.charAt(start + 1) == '0'); // -0 is written 0
            }
            // a tree holds a double and writes Double.toString
            String t = s.substring(start, pos);
            return Double.toString(Double.parseDouble(t)).equals(t);
        }

        private boolean digits() {
            int from = pos;
            while (at(pos) >= '0' && at(pos) <= '9') {
                pos++;
            }
            return pos > from;
        }

        /** A string as Jackson escapes it: only {@code \" \\ \b \t \n \f \r} and {@code \\u00XX} for other controls. */
        private boolean string() {
            pos++;
            int len = s.length();
            while (pos < len) {
                char c = s.charAt(pos);
                if (c == '"') {
                    pos++;
                    return true;
                } else if (c == '\\') {
                    char e = at(pos + 1);
                    if (e == '"' || e == '\\' || e == 'b' || e == 't' || e == 'n' || e == 'f' || e == 'r') {
                        pos += 2;
                    } else if (e == 'u' && at(pos + 2) == '0' && at(pos + 3) == '0' && (at(pos + 4) == '0'
                            || at(pos + 4) == '1') && isUpperHex(at(pos + 5))) {
                        int v = (at(pos + 4) - '0') * 16 + Character.digit(at(pos + 5), 16);
                        if (v == '\b' || v == '\t' || v == '\n' || v == '\f' || v == '\r') {
                            return false;
                        }
                        pos += 6;
                    } else {
                        return false;
                    }
                } else if (c < 0x20) {
                    return false;
                } else if (c < 0x80) {
                    pos++;
                } else if (c < 0x800) {
                    extra += 1;
                    pos++;
                } else if (Character.isHighSurrogate(c)) {
                    if (!Character.isLowSurrogate(at(pos + 1))) {
                        return false;
                    }
                    extra += 2;
                    pos += 2;
                } else if (Character.isLowSurrogate(c)) {
                    return false;
                } else {
                    extra += 2;
                    pos++;
                }
            }
            return false;
        }

        private static boolean isUpperHex(char c) {
            return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'F');
        }

        private boolean array(int depth, int field) {
            pos++;
            if (at(pos) == ']') {
                pos++;
                return true;
            }
            int count = 0;
            int[] ends = field >= 0 ? new int[16] : null;
            int[] endBytes = field >= 0 ? new int[16] : null;
            while (true) {
                if (!value(depth + 1)) {
                    return false;
                }
                if (ends != null) {
                    if (count == ends.length) {
                        ends = Arrays.copyOf(ends, count * 2);
                        endBytes = Arrays.copyOf(endBytes, count * 2);
                    }
                    ends[count] = pos;
                    endBytes[count] = pos + extra;
                }
                count++;
                char c = at(pos);
                if (c == ',') {
                    pos++;
                } else if (c == ']') {
                    pos++;
                    break;
                } else {
                    return false;
                }
            }
            if (ends != null) {
                entryEndChar[field] = ends;
                entryEndByte[field] = endBytes;
                entries[field] = count;
            }
            return true;
        }

        private boolean object(int depth, boolean top) {
            pos++;
            if (at(pos) == '}') {
                pos++;
                return true;
            }
            int base = namesTop;
            Set<String> many = null;
            try {
                while (true) {
                    if (at(pos) != '"') {
                        return false;
                    }
                    int ns = pos;
                    int nb = pos + extra;
                    if (!string()) {
                        return false;
                    }
                    if (!newName(base, ns + 1, pos - 1, many)) {
                        return false;
                    }
                    if (many == null && namesTop - base > 32) {
                        many = new HashSet<>();
                        for (int i = base; i < namesTop; i += 2) {
                            many.add(s.substring(names[i], names[i + 1]));
                        }
                    }
                    if (at(pos) != ':') {
                        return false;
                    }
                    pos++;
                    if (top) {
                        if (!topField(depth, ns, nb)) {
                            return false;
                        }
                    } else if (!value(depth + 1)) {
                        return false;
                    }
                    char c = at(pos);
                    if (c == ',') {
                        pos++;
                    } else if (c == '}') {
                        pos++;
                        return true;
                    } else {
                        return false;
                    }
                }
            } finally {
                namesTop = base;
            }
        }

        /** Records the raw name [from, to) of the object whose names start at base; false for a duplicate. */
        private boolean newName(int base, int from, int to, Set<String> many) {
            int len = to - from;
            if (many != null) {
                if (!many.add(s.substring(from, to))) {
                    return false;
                }
            } else {
                for (int i = base; i < namesTop; i += 2) {
                    if (names[i + 1] - names[i] == len && s.regionMatches(names[i], s, from, len)) {
                        return false;
                    }
                }
            }
            if (namesTop + 2 > names.length) {
                names = Arrays.copyOf(names, names.length * 2);
            }
            names[namesTop++] = from;
            names[namesTop++] = to;
            return true;
        }

        private boolean topField(int depth, int ns, int nb) {
            if (n == nameStart.length) {
                int m = n * 2;
                nameStart = Arrays.copyOf(nameStart, m);
                valueStart = Arrays.copyOf(valueStart, m);
                valueEnd = Arrays.copyOf(valueEnd, m);
                nameBytes = Arrays.copyOf(nameBytes, m);
                valueBytes = Arrays.copyOf(valueBytes, m);
                openByte = Arrays.copyOf(openByte, m);
                entryEndChar = Arrays.copyOf(entryEndChar, m);
                entryEndByte = Arrays.copyOf(entryEndByte, m);
                entries = Arrays.copyOf(entries, m);
            }
            int f = n++;
            nameStart[f] = ns;
            valueStart[f] = pos;
            int vb = pos + extra;
            nameBytes[f] = vb - nb;
            boolean ok;
            if (at(pos) == '[') {
                openByte[f] = vb;
                entries[f] = 0;
                ok = array(depth + 1, f);
            } else {
                openByte[f] = -1;
                ok = value(depth + 1);
            }
            valueEnd[f] = pos;
            valueBytes[f] = pos + extra - vb;
            return ok;
        }

        /** The reference's steps decided on the measured sizes; the output copied from the input's pieces. */
        String bound(int maxBytes) {
            int total = s.length() + extra;
            int[] kept = Arrays.copyOf(entries, n);
            boolean[] replaced = new boolean[n];
            int[] cut = new int[n];
            // "<array>_cut" fields not in the input, appended in order: the field they count, their value
            int[] addedFor = new int[0];
            int[] addedValue = new int[0];
            int fields = n;
            while (total > maxBytes) {
                int best = -1;
                int bestSize = 0;
                for (int i = 0; i < n; i++) {
                    if (!replaced[i] && openByte[i] >= 0 && kept[i] > 0) {
                        int size = arrayBytes(i, kept[i]);
                        if (size > bestSize) {
                            bestSize = size;
                            best = i;
                        }
                    }
                }
                if (best < 0) {
                    break;
                }
                int drop = dropCount(bestSize, kept[best], total - maxBytes);
                kept[best] -= drop;
                total += arrayBytes(best, kept[best]) - bestSize;
                // o.put(field + "_cut", o.path(field + "_cut").asInt(0) + drop)
                int j = cutField(best);
                if (j >= 0) {
                    int before = replaced[j] ? digits(cut[j]) : openByte[j] >= 0 ? arrayBytes(j, kept[j]) : valueBytes[j];
                    int prev = replaced[j] ? cut[j] : parse(s.substring(valueStart[j], valueEnd[j]), true).asInt(0);
                    replaced[j] = true;
                    cut[j] = prev + drop;
                    total += digits(cut[j]) - before;
                } else {
                    int k = 0;
                    while (k < addedFor.length && addedFor[k] != best) {
                        k++;
                    }
                    if (k < addedFor.length) {
                        int v = addedValue[k] + drop;
                        total += digits(v) - digits(addedValue[k]);
                        addedValue[k] = v;
                    } else {
                        addedFor = Arrays.copyOf(addedFor, k + 1);
                        addedValue = Arrays.copyOf(addedValue, k + 1);
                        addedFor[k] = best;
                        addedValue[k] = drop;
                        total += (fields > 0 ? 1 : 0) + nameBytes[best] + 4 + digits(drop);
                        fields++;
                    }
                }
            }
            String out = assemble(kept, replaced, cut, addedFor, addedValue, total);
            return total > maxBytes ? cutStrings(parse(out), total, maxBytes) : out;
        }

        private int arrayBytes(int f, int k) {
            return k == 0 ? 2 : entryEndByte[f][k - 1] - openByte[f] + 1;
        }

        /** The input field named {@code <name of f>_cut}, or -1. */
        private int cutField(int f) {
            int from = nameStart[f] + 1;
            int len = valueStart[f] - 2 - from; // raw name, without quotes and colon
            for (int i = 0; i < n; i++) {
                int l = valueStart[i] - 2 - nameStart[i] - 1;
                if (l == len + 4 && s.regionMatches(nameStart[i] + 1, s, from, len)
                        && s.startsWith("_cut", nameStart[i] + 1 + len)) {
                    return i;
                }
            }
            return -1;
        }

        private String assemble(int[] kept, boolean[] replaced, int[] cut, int[] addedFor, int[] addedValue,
                                int total) {
            StringBuilder b = new StringBuilder(Math.max(16, Math.min(total, s.length()) + 64));
            b.append('{');
            for (int i = 0; i < n; i++) {
                if (i > 0) {
                    b.append(',');
                }
                if (replaced[i]) {
                    b.append(s, nameStart[i], valueStart[i]).append(cut[i]);
                } else if (openByte[i] >= 0 && kept[i] < entries[i]) {
                    if (kept[i] == 0) {
                        b.append(s, nameStart[i], valueStart[i] + 1);
                    } else {
                        b.append(s, nameStart[i], entryEndChar[i][kept[i] - 1]);
                    }
                    b.append(']');
                } else {
                    b.append(s, nameStart[i], valueEnd[i]);
                }
            }
            for (int k = 0; k < addedFor.length; k++) {
                if (n + k > 0) {
                    b.append(',');
                }
                int f = addedFor[k];
                b.append(s, nameStart[f], valueStart[f] - 2).append("_cut\":").append(addedValue[k]);
            }
            return b.append('}').toString();
        }

        private static int digits(int v) {
            return Integer.toString(v).length();
        }
    }

    /**
     * The reference's last step: while over the limit, the longest string anywhere is cut in half; sizes kept up
     * to date from the changed string alone, the tree serialized once at the end.
     */
    private static String cutStrings(ObjectNode o, int total, int maxBytes) {
        while (total > maxBytes) {
            Object[] best = {null, null, 0};
            OutputBoundsReference.find(o, best);
            int len = (int) best[2];
            if (len < 16) {
                throw new IllegalStateException("cannot bound a result to " + maxBytes + " bytes");
            }
            JsonNode old = best[0] instanceof ObjectNode on ? on.get((String) best[1])
                    : ((ArrayNode) best[0]).get((Integer) best[1]);
            String v = old.asText();
            TextNode cut = TextNode.valueOf(v.substring(0, OutputBoundsReference.safe(v, len / 2)) + "\u2026[cut]");
            if (best[0] instanceof ObjectNode on) {
                on.set((String) best[1], cut);
            } else {
                ((ArrayNode) best[0]).set((Integer) best[1], cut);
            }
            total += utf8Length(cut.toString()) - utf8Length(old.toString());
        }
        return o.toString();
    }
}
