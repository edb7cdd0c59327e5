package dev.keymem.jobs.logs;

import dev.keymem.jobs.kafka.KafkaRecord;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Kubernetes CRI container log records made from whole lines, the way containerd writes them: each line as
 * {@code <RFC 3339 nano time> <stream> F <line>}, a line longer than {@code piece} bytes as {@code P} pieces of
 * {@code piece} bytes (at a character boundary; CriLineJoinTest splits at byte boundaries) followed by one {@code F} piece; a line's stream is chosen at
 * random (seeded), and the pieces of the two streams interleave at random, each stream's order kept. Also the
 * same lines unsplit, one {@code F} record each, in the order of their {@code F} pieces (where a joined line is
 * complete) at the offset of their first piece: what the job must read as the same lines.
 */
final class CriSample {
    /** The records of the split form, and the unsplit form at the offsets of the first pieces. */
    record Records(List<KafkaRecord> split, List<KafkaRecord> unsplit) {
    }

    private CriSample() {
    }

    /**
     * The CRI records of {@code lines} (the key of each record {@code keys[line % keys.length]}, which the job
     * takes as the source), time stamps from {@code start} a millisecond apart.
     */
    static Records records(List<String> lines, String topic, String[] keys, int piece, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        // per line: its stream and its pieces; the streams' queues
        List<List<Integer>> queues = List.of(new ArrayList<>(), new ArrayList<>());
        for (int i = 0; i < lines.size(); i++) {
            queues.get(r.nextInt(4) == 0 ? 1 : 0).add(i);
        }
        List<KafkaRecord> split = new ArrayList<>();
        List<KafkaRecord> unsplit = new ArrayList<>();
        int[] next = new int[2];
        List<List<String>> pending = new ArrayList<>(List.of(new ArrayList<>(), new ArrayList<>()));
        int[] pendingLine = {-1, -1};
        long[] firstOffset = {-1, -1};
        long offset = 0;
        while (next[0] < queues.get(0).size() || next[1] < queues.get(1).size()
                || !pending.get(0).isEmpty() || !pending.get(1).isEmpty()) {
            int s = r.nextInt(2);
            if (pending.get(s).isEmpty() && next[s] >= queues.get(s).size()) {
                s = 1 - s;
            }
            if (pending.get(s).isEmpty()) {
                int line = queues.get(s).get(next[s]++);
                pending.get(s).addAll(pieces(lines.get(line), piece));
                pendingLine[s] = line;
                firstOffset[s] = offset;
            }
            String p = pending.get(s).remove(0);
            int line = pendingLine[s];
            String key = keys[line % keys.length];
            boolean last = pending.get(s).isEmpty();
            split.add(record(topic, offset++, key, criLine(line, s, last ? 'F' : 'P', p)));
            if (last) {
                unsplit.add(record(topic, firstOffset[s], key, criLine(line, s, 'F', lines.get(line))));
            }
        }
        return new Records(split, unsplit);
    }

    /** {@code text} cut into pieces of at most {@code piece} UTF-8 bytes, at character boundaries. */
    static List<String> pieces(String text, int piece) {
        List<String> out = new ArrayList<>();
        int start = 0;
        while (true) {
            int bytes = 0;
            int i = start;
            while (i < text.length()) {
                int cp = text.codePointAt(i);
                int n = new String(Character.toChars(cp)).getBytes(StandardCharsets.UTF_8).length;
                if (bytes + n > piece) {
                    break;
                }
                bytes += n;
                i += Character.charCount(cp);
            }
            out.add(text.substring(start, i));
            if (i >= text.length()) {
                return out;
            }
            start = i;
        }
    }

    /** The CRI line of line {@code line}'s piece {@code message} on stream {@code s} (0 stdout, 1 stderr). */
    static String criLine(int line, int s, char tag, String message) {
        String time = Instant.ofEpochMilli(1_767_225_600_000L + line).toString();
        time = (time.contains(".") ? time : time.replace("Z", ".000Z")).replace("Z", "123456Z");
        return time + (s == 0 ? " stdout " : " stderr ") + tag + " " + message;
    }

    private static KafkaRecord record(String topic, long offset, String key, String value) {
        return new KafkaRecord(topic, 0, offset, -1, key == null ? null : key.getBytes(StandardCharsets.UTF_8),
                value.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * Lines of a service: the sample's lines, and every {@code every}-th one followed by a long line (20 to 60
     * KiB): a JSON record with a message and a stack trace field, or a plain line with a long SQL statement.
     */
    static List<String> withLongLines(List<String> base, int every, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        List<String> out = new ArrayList<>();
        for (int i = 0; i < base.size(); i++) {
            out.add(base.get(i));
            if (i % every == every - 1) {
                out.add(r.nextBoolean() ? jsonLine(r) : sqlLine(r));
            }
        }
        return out;
    }

    static String jsonLine(SplittableRandom r) {
        StringBuilder stack = new StringBuilder("java.lang.IllegalStateException: order " + r.nextInt(100_000)
                + " has no lines\\n");
        int frames = 300 + r.nextInt(400);
        for (int f = 0; f < frames; f++) {
            stack.append("\\tat com.acme.shop.orders.Service").append(f % 37).append(".handle(Service")
                    .append(f % 37).append(".java:").append(10 + r.nextInt(900)).append(")\\n");
        }
        return "{\"time\":\"2026-01-01T00:00:00.000Z\",\"level\":\"error\",\"msg\":\"checkout failed for order "
                + r.nextInt(100_000) + "\",\"stack\":\"" + stack + "\"}";
    }

    static String sqlLine(SplittableRandom r) {
        StringBuilder sql = new StringBuilder("2026-01-01T00:00:00.000Z WARN db[7]: slow query took "
                + (500 + r.nextInt(5000)) + " ms: SELECT id, name FROM items WHERE id IN (");
        int ids = 2500 + r.nextInt(3500);
        for (int k = 0; k < ids; k++) {
            sql.append(k == 0 ? "" : ", ").append(r.nextInt(1_000_000));
        }
        return sql.append(")").toString();
    }
}
