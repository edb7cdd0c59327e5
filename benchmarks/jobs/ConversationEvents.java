import dev.keymem.jobs.eval.ConversationGenerator;
import java.io.BufferedWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.SplittableRandom;

/**
 * A user-event stream of another shape than UserEventGenerator's, for the context job's throughput
 * (benchmarks/jobs/context-rate.sh): multi-speaker conversations ({@code ConversationGenerator}, longer texts,
 * more distinct words, fewer queries) of USERS users whose lengths are log-uniform in [MIN, MAX] events,
 * interleaved by each turn's relative position in its user's stream. JSON lines: user, text, optional type,
 * query, ts. Run: {@code java -cp jobs/target/memctl.jar benchmarks/jobs/ConversationEvents.java OUT USERS SEED MIN MAX}.
 */
public class ConversationEvents {
    public static void main(String[] a) throws Exception {
        Path out = Path.of(a[0]);
        int users = Integer.parseInt(a[1]);
        long seed = Long.parseLong(a[2]);
        int min = Integer.parseInt(a[3]);
        int max = Integer.parseInt(a[4]);
        SplittableRandom r = new SplittableRandom(seed);
        ConversationGenerator gen = new ConversationGenerator(seed);
        List<ConversationGenerator.Conversation> convs = new ArrayList<>();
        for (int u = 0; u < users; u++) {
            int len = (int) Math.round(Math.exp(Math.log(min) + r.nextDouble() * (Math.log(max) - Math.log(min))));
            convs.add(gen.conversation("user-" + seed + "-" + u, len));
        }
        List<double[]> order = new ArrayList<>();
        for (int c = 0; c < convs.size(); c++) {
            int n = convs.get(c).turns().size();
            for (int i = 0; i < n; i++) {
                order.add(new double[] {(i + r.nextDouble()) / n, c, i});
            }
        }
        order.sort(Comparator.comparingDouble((double[] x) -> x[0]).thenComparingDouble(x -> x[1]));
        Instant t = Instant.parse("2026-03-01T09:00:00Z");
        long queries = 0;
        try (BufferedWriter w = Files.newBufferedWriter(out, StandardCharsets.UTF_8)) {
            for (double[] o : order) {
                ConversationGenerator.Conversation conv = convs.get((int) o[1]);
                ConversationGenerator.Turn turn = conv.turns().get((int) o[2]);
                t = t.plusMillis(50 + r.nextInt(900));
                StringBuilder b = new StringBuilder(160).append("{\"user\":");
                quote(b, conv.user()).append(",\"text\":");
                quote(b, turn.text());
                if (turn.type() != null) {
                    quote(b.append(",\"type\":"), turn.type());
                }
                if (turn.question()) {
                    b.append(",\"query\":true");
                    queries++;
                }
                quote(b.append(",\"ts\":"), t.toString()).append('}');
                w.write(b.toString());
                w.newLine();
            }
        }
        System.out.println("wrote " + order.size() + " events (" + queries + " queries) of " + users + " users to " + out);
    }

    private static StringBuilder quote(StringBuilder b, String s) {
        b.append('"');
        for (int i = 0; i < s.length(); i++) {
            char ch = s.charAt(i);
            if (ch == '"' || ch == '\\') {
                b.append('\\').append(ch);
            } else if (ch < 0x20) {
                b.append(String.format("\\u%04x", (int) ch));
            } else {
                b.append(ch);
            }
        }
        return b.append('"');
    }
}
