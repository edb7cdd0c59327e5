package dev.keymem.operators;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keymem.models.bmojo.BmojoState;
import dev.keymem.models.bmojo.EideticEntry;
import dev.keymem.models.bmojo.InMemoryEideticArchive;
import dev.keymem.models.caching.CacheStore;
import dev.keymem.models.caching.CachingState;
import dev.keymem.models.cells.CellState;
import dev.keymem.models.events.EventState;
import dev.keymem.models.events.InMemoryEventStore;
import dev.keymem.models.retention.ArchiveStore;
import dev.keymem.models.retention.InMemoryArchiveStore;
import dev.keymem.models.retention.RetainedToken;
import dev.keymem.models.retention.RetentionState;
import dev.keymem.operators.MemoryOperatorOptions.MemoryType;
import dev.keymem.operators.model.MemoryModel;
import dev.keymem.operators.model.MemoryModelFactory;
import dev.keymem.state.BmojoStatePiece;
import dev.keymem.state.EventStatePiece;
import dev.keymem.state.RetentionStatePiece;
import dev.keymem.state.StateFrame;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.apache.flink.configuration.Configuration;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * Framed bytes per key of the hot state pieces (what a record reads and writes through keyed state) in the
 * capacity-sized format 1 and the content-sized current format, on real logs: the 14 loghub_2k sets as 14 keys,
 * a line a record (its words hashed into the default 4096-token vocabulary, at most 64 tokens), B'MOJO at the
 * operator's defaults (and B'MOJO-F, capacity 0); and the event memory at its defaults over
 * {@code keymem.report.events} (a context-job JSONL input: key "user", terms the words of "text"). Also counts
 * how often each archive entry (B'MOJO long-term archive, Memory Caching cached segment) is written. A report,
 * not a check: runs with {@code -Dkeymem.report=state-bytes}, e.g.
 * {@code ./mvnw -B -q -pl operators -am verify -Dtest=StateBytesReport -Dsurefire.failIfNoSpecifiedTests=false
 * -Dkeymem.report=state-bytes -Dkeymem.report.events=/work/bench0/users-10000.jsonl}.
 */
@EnabledIfSystemProperty(named = "keymem.report", matches = "state-bytes")
class StateBytesReport {

    static final Path LOGHUB = Path.of("../../shared/data/loghub_2k");

    static int[] tokens(String line, int max) {
        List<Integer> ids = new ArrayList<>();
        for (String w : line.toLowerCase(Locale.ROOT).split("[^a-z0-9]+")) {
            if (!w.isEmpty() && ids.size() < max) {
                ids.add(Math.floorMod(w.hashCode(), 4096));
            }
        }
        return ids.stream().mapToInt(Integer::intValue).toArray();
    }

    static Map<String, List<String>> sources() throws IOException {
        Path dir = LOGHUB.toAbsolutePath().normalize();
        if (!Files.isDirectory(dir)) {
            dir = Path.of("/work/shared/data/loghub_2k");
        }
        Assumptions.assumeTrue(Files.isDirectory(dir), "no loghub_2k under " + LOGHUB + ": skipped");
        Map<String, List<String>> out = new TreeMap<>();
        try (var sets = Files.list(dir)) {
            for (Path set : sets.filter(Files::isDirectory).toList()) {
                Path log = set.resolve(set.getFileName() + "_2k.log");
                if (Files.exists(log)) {
                    out.put(set.getFileName().toString(), Files.readAllLines(log, StandardCharsets.ISO_8859_1));
                }
            }
        }
        return out;
    }

    /** Counts the puts of each archived (head, position). */
    static final class CountingArchive implements dev.keymem.models.bmojo.EideticArchive {
        final InMemoryEideticArchive archive = new InMemoryEideticArchive();
        final Map<Long, Integer> puts = new HashMap<>();

        @Override
        public void put(EideticEntry entry) {
            puts.merge(EideticEntry.archiveKey(entry.head(), entry.position(), 64), 1, Integer::sum);
            archive.put(entry);
        }

        @Override
        public void forEach(int head, java.util.function.Consumer<EideticEntry> visitor) {
            archive.forEach(head, visitor);
        }

        @Override
        public long size() {
            return archive.size();
        }

        @Override
        public long size(int head) {
            return archive.size(head);
        }

        @Override
        public void remove(int head, long position) {
            archive.remove(head, position);
        }

        @Override
        public List<EideticEntry> nearest(int head, float[] query, int offset, int k) {
            return archive.nearest(head, query, offset, k);
        }
    }

    @Test
    void bmojo() throws IOException {
        Map<String, List<String>> logs = sources();
        int[] at = {1, 2, 5, 10, 100, 2000};
        for (int capacity : new int[] {64, 0}) {
            Configuration c = new Configuration();
            c.set(MemoryOperatorOptions.MEMORY_TYPE, MemoryType.BMOJO);
            c.set(MemoryOperatorOptions.BMOJO_CAPACITY, capacity);
            MemoryModel.Bmojo m = (MemoryModel.Bmojo) MemoryModelFactory.fromOptions(c).create();
            Map<Integer, long[]> sums = new TreeMap<>(); // lines -> {keys, format 1, format 2}
            Map<Integer, BmojoState> samples = new TreeMap<>();
            long puts = 0;
            long entries = 0;
            long tokens = 0;
            for (List<String> lines : logs.values()) {
                BmojoState st = m.newState();
                CountingArchive archive = new CountingArchive();
                int n = 0;
                for (String line : lines) {
                    int[] ids = tokens(line, 64);
                    if (ids.length == 0) {
                        continue;
                    }
                    m.advance(st, archive, ids, new float[ids.length * m.heads() * m.valueDim()]);
                    tokens += ids.length;
                    n++;
                    for (int a : at) {
                        if (a == n) {
                            long[] s = sums.computeIfAbsent(a, k -> new long[3]);
                            s[0]++;
                            s[1] += StateFrame.OVERHEAD_BYTES + BmojoStatePiece.format1Bytes(st);
                            s[2] += StateFrame.OVERHEAD_BYTES + BmojoStatePiece.payloadBytes(st);
                            samples.putIfAbsent(a, st.copy());
                        }
                    }
                }
                for (int p : archive.puts.values()) {
                    assertEquals(1, p, "an archive entry written twice");
                    puts += p;
                }
                entries += archive.puts.size();
            }
            System.out.printf(Locale.ROOT, "%nB'MOJO (default model H=2 K=V=32, w=64, capacity %d, top-m 4, k 4), "
                    + "14 loghub_2k sources as keys, %,d tokens; archive: %,d puts of %,d entries%n", capacity, tokens,
                    puts, entries);
            table(sums);
            for (int a : new int[] {1, 2000}) {
                BmojoState st = samples.get(a);
                double[] us = roundTrips(st);
                System.out.printf(Locale.ROOT, "payload write + read after %,d lines (first source): format 1 %.1f us, "
                        + "format 2 %.1f us (CPU, %d round trips each, interleaved)%n", a, us[0], us[1], ROUNDS);
            }
        }
    }

    @Test
    void retention() throws IOException {
        Map<String, List<String>> logs = sources();
        int[] at = {1, 2, 5, 10, 100, 2000};
        Configuration c = new Configuration();
        c.set(MemoryOperatorOptions.MEMORY_TYPE, MemoryType.RETENTION);
        MemoryModel.Retention m = (MemoryModel.Retention) MemoryModelFactory.fromOptions(c).create();
        Map<Integer, long[]> sums = new TreeMap<>();
        long puts = 0;
        long entries = 0;
        for (Map.Entry<String, List<String>> log : logs.entrySet()) {
            RetentionState st = m.newState(log.getKey().hashCode());
            Map<Long, Integer> count = new HashMap<>();
            InMemoryArchiveStore store = new InMemoryArchiveStore();
            ArchiveStore archive = new ArchiveStore() {
                @Override
                public void put(RetainedToken t) {
                    count.merge(t.position(), 1, Integer::sum);
                    store.put(t);
                }

                @Override
                public RetainedToken get(long position) {
                    return store.get(position);
                }

                @Override
                public void remove(long position) {
                    store.remove(position);
                }

                @Override
                public void forEach(java.util.function.Consumer<RetainedToken> visitor) {
                    store.forEach(visitor);
                }
            };
            int n = 0;
            for (String line : log.getValue()) {
                int[] ids = tokens(line, 64);
                if (ids.length == 0) {
                    continue;
                }
                m.advance(st, archive, ids, new float[ids.length * m.heads() * m.valueDim()]);
                n++;
                for (int a : at) {
                    if (a == n) {
                        long[] s = sums.computeIfAbsent(a, k -> new long[3]);
                        s[0]++;
                        s[1] += StateFrame.OVERHEAD_BYTES + RetentionStatePiece.format1Bytes(st);
                        s[2] += StateFrame.OVERHEAD_BYTES + RetentionStatePiece.payloadBytes(st);
                    }
                }
            }
            for (int p : count.values()) {
                assertEquals(1, p, "a T3 entry written twice");
                puts += p;
            }
            entries += count.size();
        }
        System.out.printf(Locale.ROOT, "%nSTR / CMP (default model, retention defaults: 16 T2 slots per head), 14 "
                + "loghub_2k sources as keys; T3 archive: %,d puts of %,d entries%n", puts, entries);
        table(sums);
    }

    static final int ROUNDS = 2000;

    /** CPU microseconds per payload write + read of {@code st} in format 1 and format 2, measured alternately. */
    static double[] roundTrips(BmojoState st) throws dev.keymem.state.CorruptStateException {
        java.lang.management.ThreadMXBean cpu = java.lang.management.ManagementFactory.getThreadMXBean();
        dev.keymem.state.PayloadWriter w = new dev.keymem.state.PayloadWriter(1 << 18);
        long[] ns = new long[2];
        for (int round = 0; round < 3; round++) { // the first round warms up
            for (int f = 1; f <= 2; f++) {
                long t0 = cpu.getCurrentThreadCpuTime();
                for (int i = 0; i < ROUNDS; i++) {
                    w.reset();
                    if (f == 1) {
                        BmojoStatePiece.writeFormat1(st, w);
                    } else {
                        BmojoStatePiece.INSTANCE.write(st, w);
                    }
                    BmojoState back = BmojoStatePiece.INSTANCE.read(f,
                            dev.keymem.state.PayloadReader.over("BmojoState", w.array(), w.size()), null);
                    if (back.position() != st.position()) {
                        throw new AssertionError("round trip changed the state");
                    }
                }
                if (round > 0) {
                    ns[f - 1] += cpu.getCurrentThreadCpuTime() - t0;
                }
            }
        }
        return new double[] {ns[0] / 2e3 / ROUNDS, ns[1] / 2e3 / ROUNDS};
    }

    static void table(Map<Integer, long[]> sums) {
        System.out.println("| lines per key | keys | format 1 B/key | format 2 B/key | ratio |");
        System.out.println("|---:|---:|---:|---:|---:|");
        for (Map.Entry<Integer, long[]> e : sums.entrySet()) {
            long[] s = e.getValue();
            System.out.printf(Locale.ROOT, "| %,d | %d | %,d | %,d | %.2f |%n", e.getKey(), s[0], s[1] / s[0],
                    s[2] / s[0], (double) s[2] / s[1]);
        }
    }

    @Test
    void cachingSegmentsAreWrittenOnce() throws IOException {
        Map<String, List<String>> logs = sources();
        Configuration c = new Configuration();
        c.set(MemoryOperatorOptions.MEMORY_TYPE, MemoryType.CACHING);
        MemoryModel.Caching m = (MemoryModel.Caching) MemoryModelFactory.fromOptions(c).create();
        long stores = 0;
        long ids = 0;
        long records = 0;
        for (List<String> lines : logs.values()) {
            CachingState st = m.newState();
            Map<Long, Integer> count = new HashMap<>();
            Map<Long, CellState> rows = new HashMap<>();
            CacheStore store = new CacheStore() {
                @Override
                public CellState load(long id) {
                    return rows.get(id);
                }

                @Override
                public void store(long id, CellState s) {
                    count.merge(id, 1, Integer::sum);
                    rows.put(id, s.copy());
                }

                @Override
                public void remove(long id) {
                    rows.remove(id);
                }
            };
            for (String line : lines) {
                int[] t = tokens(line, 64);
                if (t.length > 0) {
                    m.advance(st, store, t, new float[t.length * m.heads() * m.valueDim()]);
                    records++;
                }
            }
            for (int n : count.values()) {
                stores += n;
            }
            ids += count.size();
        }
        System.out.printf(Locale.ROOT, "%nMemory Caching (defaults), 14 loghub_2k sources, %,d records: %,d cached "
                + "segment writes for %,d segments (%.3f per segment)%n", records, stores, ids, (double) stores / ids);
        assertTrue(ids > 0);
    }

    @Test
    void events() throws IOException {
        String input = System.getProperty("keymem.report.events", "");
        Assumptions.assumeTrue(!input.isEmpty() && Files.exists(Path.of(input)), "no keymem.report.events input");
        MemoryModel.Events m = (MemoryModel.Events) MemoryModelFactory.fromOptions(
                KeyedEventMemory.eventOptions(new Configuration())).create();
        Map<String, EventState> states = new LinkedHashMap<>();
        Map<String, InMemoryEventStore> stores = new HashMap<>();
        long events = 0;
        for (String line : Files.readAllLines(Path.of(input))) {
            String user = field(line, "user");
            String text = field(line, "text");
            if (user == null || text == null) {
                continue;
            }
            int[] terms = tokens(text, 4096);
            if (terms.length == 0) {
                continue;
            }
            EventState st = states.computeIfAbsent(user, k -> m.newState());
            m.write(st, stores.computeIfAbsent(user, k -> new InMemoryEventStore()), terms, null, null);
            events++;
        }
        long f1 = 0;
        long f2 = 0;
        for (EventState st : states.values()) {
            f1 += StateFrame.OVERHEAD_BYTES + EventStatePiece.format1Bytes(st);
            f2 += StateFrame.OVERHEAD_BYTES + EventStatePiece.payloadBytes(st);
        }
        int keys = states.size();
        System.out.printf(Locale.ROOT, "%nEvent memory (defaults: D=256, cell 32, eidetic 64), %s: %,d events, %,d keys "
                + "(%.1f events per key): hot state format 1 %,d B/key, format 2 %,d B/key (ratio %.2f)%n",
                Path.of(input).getFileName(), events, keys, (double) events / keys, f1 / keys, f2 / keys,
                (double) f2 / f1);
    }

    /** A string field of a flat JSON object (no escapes needed for these inputs). */
    static String field(String json, String name) {
        String k = "\"" + name + "\":\"";
        int i = json.indexOf(k);
        if (i < 0) {
            return null;
        }
        int j = json.indexOf('"', i + k.length());
        return j < 0 ? null : json.substring(i + k.length(), j);
    }
}
