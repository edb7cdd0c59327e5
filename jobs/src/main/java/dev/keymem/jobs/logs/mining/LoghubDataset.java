package dev.keymem.jobs.logs.mining;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * A loghub_2k data set as logpai/logparser keeps it: a folder {@code NAME} with {@code NAME_2k.log} (raw
 * lines) and {@code NAME_2k.log_structured.csv} (per line: the parsed fields, {@code Content},
 * {@code EventId}, {@code EventTemplate}); any {@code X.log} beside its {@code X.log_structured.csv} (loghub-2.0's
 * {@code NAME_full.log}). Read as UTF-8, bytes that are not read as U+FFFD.
 *
 * <p>A raw file with more lines than the structured file has rows is one that logparser's reader (its {@code
 * log_to_dataframe}) did not take whole: it skips a line that its format's regex does not match (a blank line, a
 * continuation line of a multi-line record), and the structured file has no row for it. Such a set is read
 * aligned ({@link #aligned}): each row is given the first raw line after the previous row's that carries the row's
 * header columns (those before {@code Content} but {@code LineId}: {@code Date}, {@code Time}, {@code Level} ...; each
 * stripped of blanks at both ends) in their order and then ends with the row's {@code Content} (stripped so too),
 * never a blank line (the reader skips those); the raw lines that no row takes are left out (they were no line of
 * the ground truth), and a row that finds no such line refuses the set. A raw file with fewer lines than rows is
 * refused.
 *
 * @param name      the data set's name (the folder's)
 * @param raw       the raw lines
 * @param content   the message part of each line (the {@code Content} column: what parsers are given)
 * @param eventId   the ground-truth event of each line (null when empty)
 * @param template  the ground-truth template of each line
 */
public record LoghubDataset(String name, List<String> raw, List<String> content, List<String> eventId,
                            List<String> template) {

    /** Reads the data set in {@code dir}. */
    public static LoghubDataset read(Path dir) throws IOException {
        String name = dir.getFileName().toString();
        Path structured = find(dir, "_structured.csv");
        Path log = find(dir, ".log");
        List<String> raw = lines(decode(log));
        List<List<String>> rows = Csv.parse(decode(structured));
        if (rows.isEmpty()) {
            throw new IOException(structured + " is empty");
        }
        List<String> header = rows.get(0);
        int content = column(header, "Content", structured);
        int event = column(header, "EventId", structured);
        int tmpl = column(header, "EventTemplate", structured);
        List<String> c = new ArrayList<>();
        List<String> e = new ArrayList<>();
        List<String> t = new ArrayList<>();
        List<List<String>> heads = new ArrayList<>();
        for (List<String> r : rows.subList(1, rows.size())) {
            if (r.size() != header.size()) {
                throw new IOException(structured + ": a row has " + r.size() + " fields, the header " + header.size());
            }
            List<String> head = new ArrayList<>(content);
            for (int i = 0; i < content; i++) {
                if (!header.get(i).equals("LineId")) {
                    head.add(r.get(i));
                }
            }
            heads.add(head);
            c.add(r.get(content));
            e.add(r.get(event).isEmpty() ? null : r.get(event));
            t.add(r.get(tmpl));
        }
        if (c.size() > raw.size()) {
            throw new IOException(structured + " has " + c.size() + " rows, " + log + " " + raw.size() + " lines");
        }
        if (c.size() < raw.size()) {
            List<String> kept = aligned(raw, heads, c);
            if (kept == null) {
                throw new IOException(structured + " has " + c.size() + " rows, " + log + " " + raw.size()
                        + " lines, and a row's header columns and Content are no raw line after the previous row's");
            }
            raw = kept;
        }
        return new LoghubDataset(name, raw, c, e, t);
    }

    /**
     * The raw lines that the rows were read from, in order: for row i (header columns {@code heads.get(i)}, content
     * {@code content.get(i)}) the first line after the previous row's line that {@link #carries} them; null where a
     * row finds none.
     */
    static List<String> aligned(List<String> raw, List<List<String>> heads, List<String> content) {
        List<String> out = new ArrayList<>(content.size());
        int j = 0;
        for (int i = 0; i < content.size(); i++) {
            while (j < raw.size() && !carries(raw.get(j), heads.get(i), content.get(i))) {
                j++;
            }
            if (j >= raw.size()) {
                return null;
            }
            out.add(raw.get(j++));
        }
        return out;
    }

    /**
     * Whether {@code line} is not blank, ends with {@code content} stripped (blanks after it aside) and has each of
     * {@code head} stripped (an empty one aside) before that, in their order.
     */
    static boolean carries(String line, List<String> head, String content) {
        String s = line.stripTrailing();
        String want = content.strip();
        if (s.isBlank() || !s.endsWith(want)) {
            return false;
        }
        int end = s.length() - want.length();
        int at = 0;
        for (String h : head) {
            String v = h.strip();
            if (v.isEmpty()) {
                continue;
            }
            int k = s.indexOf(v, at);
            if (k < 0 || k + v.length() > end) {
                return false;
            }
            at = k + v.length();
        }
        return true;
    }

    /**
     * The text of {@code f} as UTF-8, a byte sequence that is not UTF-8 read as U+FFFD (as the job's reader of
     * raw lines reads it), a byte order mark dropped.
     */
    static String decode(Path f) throws IOException {
        String s = java.nio.charset.StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(java.nio.charset.CodingErrorAction.REPLACE)
                .onUnmappableCharacter(java.nio.charset.CodingErrorAction.REPLACE)
                .decode(java.nio.ByteBuffer.wrap(Files.readAllBytes(f))).toString();
        return s.startsWith("\uFEFF") ? s.substring(1) : s;
    }

    /** The lines of {@code s}, ended by {@code \n} or {@code \r\n} (a lone {@code \r} stays in its line); no last empty one. */
    static List<String> lines(String s) {
        List<String> out = new ArrayList<>();
        int from = 0;
        int n = s.length();
        while (from < n) {
            int nl = s.indexOf('\n', from);
            int end = nl < 0 ? n : nl;
            out.add(s.substring(from, end > from && s.charAt(end - 1) == '\r' ? end - 1 : end));
            from = nl < 0 ? n : nl + 1;
        }
        return out;
    }

    /** Whether {@code dir} looks like a data set folder. */
    public static boolean isDataset(Path dir) {
        try {
            find(dir, "_structured.csv");
            find(dir, ".log");
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** The ground-truth events (distinct, non-null). */
    public long events() {
        return eventId.stream().filter(x -> x != null).distinct().count();
    }

    private static int column(List<String> header, String name, Path f) throws IOException {
        int i = header.indexOf(name);
        if (i < 0) {
            throw new IOException(f + " has no column " + name + " (columns: " + header + ")");
        }
        return i;
    }

    private static Path find(Path dir, String suffix) throws IOException {
        if (!Files.isDirectory(dir)) {
            throw new IOException(dir + " is not a directory");
        }
        if (suffix.equals(".log")) { // the log file the structured file was made of: NAME.log_structured.csv
            Path structured = find(dir, "_structured.csv");
            String name = structured.getFileName().toString();
            Path log = dir.resolve(name.substring(0, name.length() - "_structured.csv".length()));
            if (log.getFileName().toString().endsWith(".log") && Files.isRegularFile(log)) {
                return log;
            }
        }
        try (Stream<Path> s = Files.list(dir)) {
            List<Path> hits = s.filter(p -> p.getFileName().toString().endsWith(suffix)
                    && !(suffix.equals(".log") && !p.getFileName().toString().endsWith("_2k.log")
                    && !p.getFileName().toString().equals(dir.getFileName() + ".log"))).sorted().toList();
            if (hits.size() != 1) {
                throw new IOException(dir + ": expected one *" + suffix + " file, found " + hits.size());
            }
            return hits.get(0);
        }
    }

    /** A small RFC 4180 reader (quoted fields, doubled quotes, commas and newlines inside quotes). */
    static final class Csv {
        private Csv() {
        }

        static List<List<String>> parse(String s) {
            List<List<String>> rows = new ArrayList<>();
            List<String> row = new ArrayList<>();
            StringBuilder f = new StringBuilder();
            boolean quoted = false;
            boolean any = false;
            int n = s.length();
            for (int i = 0; i < n; i++) {
                char c = s.charAt(i);
                if (quoted) {
                    if (c == '"') {
                        if (i + 1 < n && s.charAt(i + 1) == '"') {
                            f.append('"');
                            i++;
                        } else {
                            quoted = false;
                        }
                    } else {
                        f.append(c);
                    }
                } else if (c == '"') {
                    quoted = true;
                    any = true;
                } else if (c == ',') {
                    row.add(f.toString());
                    f.setLength(0);
                    any = true;
                } else if (c == '\n' || c == '\r') {
                    if (c == '\r' && i + 1 < n && s.charAt(i + 1) == '\n') {
                        i++;
                    }
                    if (any || f.length() > 0) {
                        row.add(f.toString());
                        rows.add(row);
                    }
                    row = new ArrayList<>();
                    f.setLength(0);
                    any = false;
                } else {
                    f.append(c);
                    any = true;
                }
            }
            if (any || f.length() > 0) {
                row.add(f.toString());
                rows.add(row);
            }
            return rows;
        }
    }
}
