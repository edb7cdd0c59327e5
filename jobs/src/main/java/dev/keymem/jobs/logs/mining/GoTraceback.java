package dev.keymem.jobs.logs.mining;

/**
 * The frame lines of a Go traceback (a panic's or a goroutine dump's, as the Go runtime prints them), masked by the
 * miner itself: the masker reads them as values alone, so the miner made one-token or all-wildcard templates of them.
 * Each frame is two lines:
 * <pre>
 * main.(*Server).handleOrder(0xc000010000, {0x4b8f20, 0xc00001c030}, 0x5)
 * 	/app/internal/server/orders.go:42 +0x1d
 * </pre>
 * the function with its arguments (words of the stack in hex, {@code ?} where uncertain, {@code ...} where elided or
 * inlined, braces around a multi-word value) and, indented by a tab, the file and line with the frame's offset (and,
 * under {@code GOTRACEBACK=system}, {@code fp= sp= pc=}; an inlined frame's without the offset). The masker masks the
 * whole file line ({@code <ID> +<HEX>}: one {@code <*>} token, every frame of every file in one template that takes
 * in any one-token line) and leaves a function without arguments or with one as one token.
 *
 * <p>Here, as the masker treats a Java frame (its class, method and file kept, its line number a value): a function
 * line is the function and its arguments as one value, {@code FUNC(<*>)} ({@code FUNC()} without arguments), one token
 * per function whatever its arguments; a file line is the file with its line number as a value, {@code PATH:<NUM>}, its
 * offsets left out (an inlined frame has none: one template per file either way). So each function is a template
 * of its own, and each file. Only a whole line (surrounding
 * whitespace aside) of exactly these forms is taken; the other lines of a traceback ({@code panic: ...},
 * {@code goroutine 1 [running]:}, {@code created by ...}) are text the masker reads well.
 */
final class GoTraceback {
    private GoTraceback() {
    }

    /** The masked message of {@code line} when it is a Go traceback's function or file line, else null. */
    static String masked(String line) {
        int n = line.length();
        int from = 0;
        while (from < n && blank(line.charAt(from))) {
            from++;
        }
        int to = n;
        while (to > from && blank(line.charAt(to - 1))) {
            to--;
        }
        if (to - from < 4) {
            return null;
        }
        return line.charAt(to - 1) == ')' ? function(line, from, to) : file(line, from, to);
    }

    /**
     * {@code line[from, to)} as {@code FUNC(ARGS)}: ARGS nothing or hex words ({@code 0x1f}, {@code 0x0?}),
     * {@code ...}, braces, commas and spaces; FUNC without whitespace, from a letter or {@code _}, to a letter, digit,
     * {@code _} or {@code ]} (a generic's type list), with a {@code .} (a package's function) or {@code panic}; letters
     * and digits of any script, read by code point.
     */
    private static String function(String line, int from, int to) {
        int open = to - 2;
        while (open >= from && argChar(line.charAt(open))) {
            open--;
        }
        if (open <= from || line.charAt(open) != '(') {
            return null;
        }
        char first = line.charAt(from);
        char last = line.charAt(open - 1);
        // By code point: a Go identifier may hold any Unicode letter or digit, past U+FFFF (a surrogate pair) too.
        if (!(TemplateMiner.letter(line, from) || first == '_')
                || !(TemplateMiner.letterOrDigit(line, open - 1) || last == '_' || last == ']')) {
            return null;
        }
        boolean dot = false;
        for (int i = from; i < open; i++) {
            char c = line.charAt(i);
            if (blank(c) || c == '"' || c == '\'' || c == '=') {
                return null;
            }
            dot |= c == '.';
        }
        if (!dot && !(open - from == 5 && line.startsWith("panic", from))) {
            return null;
        }
        boolean args = false;
        for (int i = open + 1; i < to - 1 && !args; i++) {
            args = line.charAt(i) != ' ';
        }
        return line.substring(from, open) + (args ? "(<*>)" : "()");
    }

    /** Chars of a function's argument list: hex words, {@code ?}, {@code ...}, braces, commas, spaces. */
    private static boolean argChar(char c) {
        return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || c == 'x' || c == '?' || c == '.' || c == ','
                || c == ' ' || c == '{' || c == '}';
    }

    /**
     * {@code line[from, to)} as {@code PATH.go:LINE}, then {@code +0xOFFSET}, then {@code fp=0x.. sp=0x.. pc=0x..}
     * (each part optional, single spaces apart; {@code .s} for an assembly file); PATH without whitespace.
     */
    private static String file(String line, int from, int to) {
        int end = from;
        while (end < to && line.charAt(end) != ' ') {
            end++;
        }
        // PATH.go:LINE or PATH.s:LINE
        int d = end;
        while (d > from && digit(line.charAt(d - 1))) {
            d--;
        }
        if (d == end || d - from < 4 || line.charAt(d - 1) != ':') {
            return null;
        }
        int colon = d - 1;
        boolean go = line.regionMatches(colon - 3, ".go", 0, 3);
        if (!go && !line.regionMatches(colon - 2, ".s", 0, 2)) {
            return null;
        }
        if (colon - (go ? 3 : 2) == from) {
            return null; // no file name
        }
        for (int i = from; i < colon; i++) {
            if (blank(line.charAt(i))) {
                return null;
            }
        }
        int i = end;
        int part = 0; // 0: an offset may follow, 1: the fp= sp= pc= words may follow, 4: nothing
        while (i < to) {
            if (line.charAt(i) != ' ') {
                return null;
            }
            i++;
            int k = i;
            while (k < to && line.charAt(k) != ' ') {
                k++;
            }
            String key;
            if (part == 0 && line.startsWith("+0x", i)) {
                key = "+";
                part = 1;
            } else if (part <= 3) {
                if (part == 0) {
                    part = 1; // no offset: Go prints none for a frame at its function's entry
                }
                key = part == 1 ? "fp=" : part == 2 ? "sp=" : "pc=";
                if (!line.startsWith(key, i) || !line.startsWith("0x", i + 3)) {
                    return null;
                }
                part++;
            } else {
                return null;
            }
            int h = i + key.length() + 2; // after "0x"
            if (h >= k) {
                return null;
            }
            for (int j = h; j < k; j++) {
                if (!hex(line.charAt(j))) {
                    return null;
                }
            }
            i = k;
        }
        if (part == 2 || part == 3) {
            return null; // fp= without sp= and pc=
        }
        return line.substring(from, colon) + ":<NUM>";
    }

    private static boolean digit(char c) {
        return c >= '0' && c <= '9';
    }

    private static boolean hex(char c) {
        return digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
    }

    private static boolean blank(char c) {
        return c == ' ' || c == '\t' || c == '\r' || c == '\n';
    }
}
