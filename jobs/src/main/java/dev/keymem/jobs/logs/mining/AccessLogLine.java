package dev.keymem.jobs.logs.mining;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Web server access log lines (Apache httpd's Common and Combined Log Formats, their {@code vhost_combined} form,
 * nginx's default {@code combined} format, and servers that write the same shape, such as werkzeug's request line)
 * read by their fields, so that the {@link TemplateMiner} mines a request's kind, not the words of its values.
 *
 * <p>The shape (Apache's {@code %h %l %u %t "%r" %>s %b}, optionally {@code "%{Referer}i" "%{User-agent}i"} and
 * further fields after; nginx's {@code $remote_addr - $remote_user [$time_local] "$request" $status
 * $body_bytes_sent "$http_referer" "$http_user_agent"}): three or four fields separated by single spaces (client,
 * identity, user; a virtual host before them), a bracketed time that starts with a digit (at most 40 characters),
 * a space and the quoted request line (a backslash escapes the next character, as both servers write a quote in
 * it), a space, a three-digit status, a space, the size (digits or {@code -}), then the end of the line or a space
 * and anything. The regex {@link #LINE} states it; {@link #masked} scans for the same (the reference,
 * {@link #maskedReference}, matches the regex; a test compares them).
 *
 * <p>The masked message of such a line (the fields before the request are its header, cut as the miner cuts a
 * header):
 * <ul>
 *   <li>the request line: its method kept, the target and the protocol values ({@code "GET <*> HTTP/<*>"},
 *       loghub's OpenStack ground truth writes a request line so: {@code "GET <*>"}); {@code "-"} kept (no
 *       request: a connection closed before one); any other request text ({@code "\x16\x03\x01..."}, TLS bytes
 *       on a plain port) one value, {@code "<*>"} (with the values after it the template is {@code <*>}: such a
 *       line is values only);</li>
 *   <li>the status and everything after it one value {@code <*>}: status, size, referer, user agent and any
 *       further fields are values of the request, whatever their words (loghub's OpenStack ground truth writes the
 *       status of a request line as a parameter, {@code status: <*>}, as does the job's structured sample; the
 *       summaries keep the statuses among a template's parameters).</li>
 * </ul>
 * One template per method, then: {@code "GET <*> HTTP/<*>" <*>}.
 * Hand-written: no maintained library reads this shape at a per-line cost (httpdlog-parser builds a field
 * dissector tree per format); the regex is the reference. A line that does not have the shape costs, through
 * {@link TemplateMiner#accept}, one {@code indexOf} for a double quote when it holds none (most lines: no field is
 * scanned, {@link #masked(String, int)}); a line with one, a scan of at most its first five space-separated fields
 * ({@link #masked(String)}) and then the request-fields scan from its first quote ({@link #requestFields(String,
 * int)}).
 */
final class AccessLogLine {
    private AccessLogLine() {
    }

    /** The shape (the reference): group 1 the request line. */
    static final Pattern LINE = Pattern.compile(
            "(?:\\S+ ){3,4}\\[\\d[^\\]]{0,39}\\] \"((?:[^\"\\\\]|\\\\.)*)\" \\d{3} (?:\\d+|-)(?: .*)?\\z",
            Pattern.DOTALL);
    /** A request line with a method (upper-case letters), a target and an optional protocol (HTTP/0.9 has none). */
    static final Pattern REQUEST = Pattern.compile("[A-Z]{1,20} \\S+(?: HTTP/\\d+(?:\\.\\d+)?)?", Pattern.DOTALL);

    /** The masked message of an access log line, or null when {@code line} does not have the shape. */
    static String masked(String line) {
        int n = line.length();
        // the ends (the space after) of the first five fields separated by single spaces
        int[] ends = new int[5];
        int fields = 0;
        int p = 0;
        while (fields < 5) {
            int s = p;
            while (p < n && !space(line.charAt(p))) {
                p++;
            }
            if (p == s || p == n || line.charAt(p) != ' ') {
                break;
            }
            ends[fields++] = p;
            p++;
        }
        // (?:\S+ ){3,4} is greedy: four fields first, then three
        for (int f = Math.min(fields, 4); f >= 3; f--) {
            String m = rest(line, ends[f - 1] + 1);
            if (m != null) {
                return m;
            }
        }
        return null;
    }

    /** The masked message when {@code line} from {@code i} is {@code [time] "request" status size...}, else null. */
    private static String rest(String line, int i) {
        int n = line.length();
        if (i + 3 > n || line.charAt(i) != '[' || !digit(line.charAt(i + 1))) {
            return null;
        }
        int close = -1;
        for (int k = i + 2; k < n && k <= i + 41; k++) {
            if (line.charAt(k) == ']') {
                close = k;
                break;
            }
        }
        if (close < 0 || close + 2 >= n || line.charAt(close + 1) != ' ' || line.charAt(close + 2) != '"') {
            return null;
        }
        int rs = close + 3;
        int k = rs;
        while (k < n && line.charAt(k) != '"') {
            k += line.charAt(k) == '\\' ? 2 : 1;
        }
        if (k >= n) {
            return null; // no closing quote (or a backslash escaping the end)
        }
        int re = k;
        // " DDD (digits|-)( .*)?
        if (re + 6 > n || line.charAt(re + 1) != ' ' || !digit(line.charAt(re + 2)) || !digit(line.charAt(re + 3))
                || !digit(line.charAt(re + 4)) || line.charAt(re + 5) != ' ') {
            return null;
        }
        int s = re + 6;
        int e = s;
        if (e < n && line.charAt(e) == '-') {
            e++;
        } else {
            while (e < n && digit(line.charAt(e))) {
                e++;
            }
            if (e == s) {
                return null;
            }
        }
        if (e < n && line.charAt(e) != ' ') {
            return null;
        }
        return request(line, rs, re) + ' ' + LineTokens.WILDCARD;
    }

    /** The request line {@code line[from, to)} masked (see the class doc). */
    private static String request(String line, int from, int to) {
        if (to - from == 1 && line.charAt(from) == '-') {
            return "\"-\"";
        }
        int m = from;
        while (m < to && m - from < 20 && line.charAt(m) >= 'A' && line.charAt(m) <= 'Z') {
            m++;
        }
        if (m == from || m == to || line.charAt(m) != ' ') {
            return "\"<*>\"";
        }
        int t = m + 1;
        int te = t;
        while (te < to && !space(line.charAt(te))) {
            te++;
        }
        if (te == t) {
            return "\"<*>\"";
        }
        if (te == to) {
            return '"' + line.substring(from, m) + " <*>\"";
        }
        // " HTTP/d+(.d+)?" to the end
        int h = te;
        if (line.charAt(h) != ' ' || !line.startsWith("HTTP/", h + 1)) {
            return "\"<*>\"";
        }
        int d = h + 6;
        int ds = d;
        while (d < to && digit(line.charAt(d))) {
            d++;
        }
        if (d == ds) {
            return "\"<*>\"";
        }
        if (d < to && line.charAt(d) == '.') {
            int fs = ++d;
            while (d < to && digit(line.charAt(d))) {
                d++;
            }
            if (d == fs) {
                return "\"<*>\"";
            }
        }
        return d == to ? '"' + line.substring(from, m) + " <*> HTTP/<*>\"" : "\"<*>\"";
    }

    /**
     * A quoted HTTP request line with a protocol, then the line's end or a space and a field (a digit or a quote
     * first): group 1 the method, group 2 the closing quote (the reference of {@link #requestFields}).
     */
    static final Pattern REQUEST_FIELDS = Pattern.compile(
            "\"([A-Z]{1,20}) \\S+ HTTP/\\d+(?:\\.\\d+)?(\")(?:\\z| [0-9\"])", Pattern.DOTALL);

    /**
     * A line of another layout that holds a request line and fields after it (AWS ALB's access log, nginx or Apache
     * formats other than the combined one, HAProxy's HTTP log, Django's development server): the line up to its
     * first quoted request line with a protocol ({@code "GET /x HTTP/1.1"}) that the line's end or a space and
     * a field (a digit or a quote first: a status, a user agent) follows, then {@code "GET <*> HTTP/<*>"} and, where
     * fields follow, {@code <*>} for them all; null for any other line. So the fields after a request (user
     * agents of any length, referers) are one value of the request, as in {@link #masked}; the text before it is
     * mined as it is. A request line quoted in a message's words ({@code for "GET /x HTTP/1.1": timed out}, loghub's
     * OpenStack {@code "GET ..." status: 200}) is not read so. A scan for what {@link #REQUEST_FIELDS} finds
     * ({@link #requestFieldsReference}, compared in a test).
     */
    static String requestFields(String line) {
        return requestFields(line, line.indexOf('"'));
    }

    /**
     * {@link #masked} of a line whose first double quote is at {@code firstQuote} ({@code line.indexOf('"')}; -1:
     * none): null at once where it holds none, since every access line holds one (its quoted request line, which
     * {@link #LINE} requires). For {@link TemplateMiner#accept}, which looks for the quote once for this and
     * {@link #requestFields(String, int)}: most log lines hold no quote and are then scanned for neither shape.
     */
    static String masked(String line, int firstQuote) {
        return firstQuote < 0 ? null : masked(line);
    }

    /**
     * {@link #requestFields(String)} of a line whose first double quote is at {@code firstQuote} ({@code
     * line.indexOf('"')}; -1: none, and then null, since every match opens with a quote): the scan starts there.
     */
    static String requestFields(String line, int firstQuote) {
        int n = line.length();
        for (int q = firstQuote; q >= 0 && q + 1 < n; q = line.indexOf('"', q + 1)) {
            int m = q + 1;
            while (m < n && m - q - 1 < 20 && line.charAt(m) >= 'A' && line.charAt(m) <= 'Z') {
                m++;
            }
            if (m == q + 1 || m >= n || line.charAt(m) != ' ') {
                continue;
            }
            int te = m + 1;
            while (te < n && !space(line.charAt(te))) {
                te++;
            }
            if (te == m + 1 || te >= n || line.charAt(te) != ' ' || !line.startsWith("HTTP/", te + 1)) {
                continue;
            }
            int d = te + 6;
            int ds = d;
            while (d < n && digit(line.charAt(d))) {
                d++;
            }
            if (d == ds) {
                continue;
            }
            if (d < n && line.charAt(d) == '.') {
                int fs = d + 1;
                int f = fs;
                while (f < n && digit(line.charAt(f))) {
                    f++;
                }
                if (f > fs) {
                    d = f;
                }
            }
            if (d >= n || line.charAt(d) != '"') {
                continue;
            }
            String request = line.substring(0, q) + '"' + line.substring(q + 1, m) + " <*> HTTP/<*>\"";
            if (d + 1 == n) {
                return request;
            }
            if (d + 2 < n && line.charAt(d + 1) == ' ' && (digit(line.charAt(d + 2)) || line.charAt(d + 2) == '"')) {
                return request + ' ' + LineTokens.WILDCARD;
            }
        }
        return null;
    }

    /** {@link #requestFields} by the regex {@link #REQUEST_FIELDS} (the reference). */
    static String requestFieldsReference(String line) {
        Matcher m = REQUEST_FIELDS.matcher(line);
        if (!m.find()) {
            return null;
        }
        String request = line.substring(0, m.start()) + '"' + m.group(1) + " <*> HTTP/<*>\"";
        return m.end(2) == line.length() ? request : request + ' ' + LineTokens.WILDCARD;
    }

    /** The reference form of {@link #masked}: the regexes {@link #LINE} and {@link #REQUEST}. */
    static String maskedReference(String line) {
        Matcher l = LINE.matcher(line);
        if (!l.matches()) {
            return null;
        }
        String r = l.group(1);
        String request;
        if (r.equals("-")) {
            request = "\"-\"";
        } else if (REQUEST.matcher(r).matches()) {
            String[] parts = r.split(" ");
            request = '"' + parts[0] + " <*>" + (parts.length == 3 ? " HTTP/<*>\"" : "\"");
        } else {
            request = "\"<*>\"";
        }
        return request + ' ' + LineTokens.WILDCARD;
    }

    private static boolean digit(char c) {
        return c >= '0' && c <= '9';
    }

    /** {@code \s} of {@link java.util.regex.Pattern}: {@code [ \t\n\x0B\f\r]}. */
    private static boolean space(char c) {
        return c == ' ' || c == '\t' || c == '\n' || c == 0x0B || c == '\f' || c == '\r';
    }
}
