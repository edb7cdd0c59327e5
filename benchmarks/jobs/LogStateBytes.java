import dev.keymem.jobs.logs.*;
import dev.keymem.jobs.logs.mining.*;
import dev.keymem.jobs.text.TextFrontEnd;
import org.apache.flink.core.memory.DataOutputSerializer;
import java.nio.file.*;
import java.util.*;

/**
 * Keyed-state bytes one ordinary line of a busy log source reads and writes, at 101 to 30,001 lines of the
 * source: the job's memory state (release 0.1.0: SourceMemory with B'MOJO + STR/CMP; now the period counters
 * plus, with "novelty", the novelty state at its largest: the 64 x 64 cell and a full 64-entry eidetic index),
 * the miner state and the line's template entry. Usage (from the repository root):
 * java -cp jobs/target/memctl.jar benchmarks/jobs/LogStateBytes.java LOG SOURCE [novelty]
 */
public class LogStateBytes {
    static <T> int size(org.apache.flink.api.common.typeutils.TypeSerializer<T> s, T v) throws Exception {
        DataOutputSerializer out = new DataOutputSerializer(1024);
        s.serialize(v, out);
        return out.length();
    }

    public static void main(String[] a) throws Exception {
        boolean novelty = a.length > 2;
        LogSummarySettings settings = LogSummarySettings.defaults();
        LogSummarizer s = new LogSummarizer(settings, TextFrontEnd.builder().dimension(settings.dimension()).build());
        LogLineParser parser = new LogLineParser(null);
        SourceMemory m = s.newMemory(a[1].hashCode());
        SourceStores st = SourceStores.inMemory();
        Set<Integer> at = Set.of(101, 1001, 10001, 30001);
        int n = 0;
        long off = 0;
        for (String line : Files.readAllLines(Path.of(a[0]))) {
            LogLine l = parser.parse(null, line, off++, -1);
            if (!l.source.equals(a[1])) continue;
            s.accept(m, st, l);
            n++;
            if (at.contains(n)) {
                int mem = size(new SourceMemorySerializer(), m);
                if (novelty) mem += 14 + 8 + 4 + 4 * 64 * 64 + 4 + 12 * 64 + 1; // the novelty state, eidetic store full
                int miner = size(new MinerStateSerializer(), st.miner());
                int entry = 0;
                for (TemplateEntry t : st.ledger().all()) {
                    if (t.lastOffset == l.offset) entry = size(new TemplateEntryPiece.Serializer(), t);
                }
                System.out.printf("lines %6d: memory state %7d B, miner state %6d B, ledger entry %5d B, total %7d B per line%n",
                        n, mem, miner, entry, mem + miner + entry);
            }
        }
    }
}
