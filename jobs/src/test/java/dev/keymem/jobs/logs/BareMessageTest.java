package dev.keymem.jobs.logs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.keymem.jobs.kafka.KafkaRecord;
import dev.keymem.jobs.logs.mining.GroupingAccuracy;
import dev.keymem.jobs.logs.mining.LoghubDataset;
import dev.keymem.jobs.logs.mining.MinerSettings;
import dev.keymem.jobs.logs.mining.MinerState;
import dev.keymem.jobs.logs.mining.TemplateMiner;
import dev.keymem.jobs.testdata.Loghub;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * A structured record's message is mined as the message it is ({@link LogLine#bare}): no header is cut off it.
 * Measured on the loghub_2k sets' {@code Content} column (the messages without their headers) fed as pino records
 * ({@code {"level":30,"time":...,"name":...,"msg":CONTENT}}) through the record reader (from the bytes, as the job
 * reads them) and the miner as the job runs it (headers stripped): the template ids must be those of the miner with
 * headers off over the Content (the reference: GA column of {@code memctl eval logs}), and the grouping accuracy is
 * printed beside the same lines without the flag (the header strip on every message, as before) and beside a word
 * mask baseline (lines grouped by their whitespace tokens, each token with a digit masked). Skipped without the
 * loghub_2k data (docs/benchmarks.md, "Bare messages of structured records").
 */
class BareMessageTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** {@code content} as a pino record (line {@code i} of the set {@code name}). */
    static String pino(String name, int i, String content) {
        ObjectNode o = JSON.createObjectNode();
        o.put("level", 30).put("time", 1768464000000L + i).put("pid", 4211).put("hostname", "h-1")
                .put("name", name).put("msg", content);
        return o.toString();
    }

    @Test
    void loghubMessagesAsPinoRecordsAreMinedWithoutAHeaderCut() throws Exception {
        Path root = Loghub.folder();
        Assumptions.assumeTrue(root != null, "no loghub_2k data");
        List<Path> sets;
        try (var s = Files.list(root)) {
            sets = s.filter(LoghubDataset::isDataset).sorted().toList();
        }
        LogLineParser parser = new LogLineParser(null);
        StringBuilder report = new StringBuilder(
                "set | GA bare (flag) | GA header cut (no flag) | word-mask baseline | templates bare / cut\n");
        double[] sum = new double[3];
        List<String> differ = new ArrayList<>();
        for (Path dir : sets) {
            LoghubDataset ds = LoghubDataset.read(dir);
            TemplateMiner miner = new TemplateMiner(); // the job's settings: headers stripped
            TemplateMiner messages = new TemplateMiner(MinerSettings.defaults().withHeaders(false));
            MinerState bare = new MinerState();
            MinerState cut = new MinerState();
            MinerState reference = new MinerState();
            List<Integer> bareIds = new ArrayList<>();
            List<Integer> cutIds = new ArrayList<>();
            List<Integer> baseIds = new ArrayList<>();
            Map<String, Integer> groups = new HashMap<>();
            for (int i = 0; i < ds.content().size(); i++) {
                String content = ds.content().get(i);
                byte[] value = pino(ds.name(), i, content).getBytes(StandardCharsets.UTF_8);
                LogLine l = parser.parse(null, new KafkaRecord("t", 0, i, -1, null, value), 1 << 20);
                assertEquals(ds.name(), l.source);
                assertTrue(l.bare, l.toString());
                int id = miner.accept(bare, l.text, l.bare).id();
                bareIds.add(id);
                int ref = messages.accept(reference, content).id();
                if (id != ref && differ.size() < 10) {
                    differ.add(ds.name() + " line " + i + ": " + id + " vs " + ref + ": " + content);
                }
                cutIds.add(miner.accept(cut, l.text, false).id());
                baseIds.add(groups.computeIfAbsent(FormatLogsTest.masked(content), k -> groups.size()));
            }
            double[] ga = {GroupingAccuracy.of(ds.eventId(), bareIds), GroupingAccuracy.of(ds.eventId(), cutIds),
                GroupingAccuracy.of(ds.eventId(), baseIds)};
            for (int k = 0; k < 3; k++) {
                sum[k] += ga[k];
            }
            report.append(String.format(Locale.ROOT, "%s | %.4f | %.4f | %.4f | %d / %d%n", ds.name(), ga[0], ga[1],
                    ga[2], bare.clusters().size(), cut.clusters().size()));
        }
        int n = sets.size();
        report.append(String.format(Locale.ROOT, "mean (%d sets) | %.4f | %.4f | %.4f%n", n, sum[0] / n, sum[1] / n,
                sum[2] / n));
        System.out.print(report);
        assertTrue(differ.isEmpty(), "not the ids of the miner with headers off: " + differ);
        assertTrue(sum[0] > sum[1] && sum[0] > sum[2], report.toString());
    }

    /**
     * A proxy's connection messages (after loghub_2k's Proxifier, event E3) as pino records: the message starts with
     * the target, {@code HOST:PORT}, an address or a name. A header strip takes an address (a value) for a header
     * and a name for a word of the message, so that one event would be two messages.
     */
    static List<String> proxyRecords(int n) {
        java.util.SplittableRandom r = new java.util.SplittableRandom(7);
        String[] names = {"wpad", "mtalk.google.com", "update.example.org", "cdn-7.example.net"};
        List<String> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            String host = i % 2 == 0 ? (10 + r.nextInt(200)) + "." + r.nextInt(256) + "." + r.nextInt(256) + "."
                    + (1 + r.nextInt(254)) : names[r.nextInt(names.length)];
            out.add(pino("proxy", i, host + ":" + (i % 3 == 0 ? 443 : 80) + " error : Could not connect to proxy "
                    + "proxy.example.com:5070 - Could not resolve proxy.example.com error " + (11001 + r.nextInt(3))));
        }
        return out;
    }

    @Test
    void aBareMessageKeepsItsFirstWords() throws Exception {
        LogLineParser parser = new LogLineParser(null);
        TemplateMiner miner = new TemplateMiner();
        MinerState bare = new MinerState();
        MinerState cut = new MinerState();
        List<String> records = proxyRecords(200);
        for (String rec : records) {
            LogLine l = parser.parse(null, rec, 0, -1);
            assertTrue(l.bare, rec);
            miner.accept(bare, l.text, l.bare);
            miner.accept(cut, l.text, false);
        }
        assertEquals(1, bare.clusters().size(), bare.clusters().toString());
        assertEquals(2, cut.clusters().size(), "the header strip splits the event: " + cut.clusters());

        // the summaries: one template, its parameters the message's values from its first word on
        List<JsonNode> sums = LogSummarizerTest.run(records, LogSummarySettings.defaults().withEvery(1000, 0));
        assertEquals(1, sums.size());
        JsonNode templates = sums.get(0).get("templates");
        assertEquals(1, templates.size(), templates.toString());
        assertEquals(200, templates.get(0).get("count").asInt(), templates.toString());
        for (JsonNode p : templates.get(0).get("params")) { // the target, the message's first word, is a value
            assertTrue(p.asText().matches("\\S+:(80|443) proxy.example.com:5070 proxy.example.com 1100[123]"),
                    templates.toString());
        }
    }

    @Test
    void aBareMessagesParametersStartAtItsFirstWord() throws Exception {
        List<String> records = new ArrayList<>();
        java.util.SplittableRandom r = new java.util.SplittableRandom(3);
        for (int i = 0; i < 50; i++) {
            records.add(pino("gc", i, (100 + r.nextInt(900)) + " ms spent in garbage collection"));
        }
        List<JsonNode> sums = LogSummarizerTest.run(records, LogSummarySettings.defaults().withEvery(1000, 0));
        JsonNode t = sums.get(0).get("templates").get(0);
        assertEquals("<*> spent in garbage collection", t.get("template").asText());
        // a header cut would start the words after the masked quantity's first word ("ms")
        for (JsonNode p : t.get("params")) {
            assertTrue(p.asText().matches("\\d+ ms"), t.toString());
        }
    }
}
