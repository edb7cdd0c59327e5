package dev.keymem.jobs.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;

import dev.keymem.jobs.kafka.FileLines;
import dev.keymem.jobs.kafka.KafkaRecord;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.SplittableRandom;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.connector.file.src.reader.StreamFormat;
import org.apache.flink.core.fs.local.LocalDataInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link FileLineFormat}: the records of {@link FileLines#read} (the reference), lines across its read chunks
 * included, each with a value array of its own (the records cross the chain to the parse step uncopied, so none
 * may share or reuse an array: {@code KafkaRecordSerializer}).
 */
class FileLineFormatTest {
    @Test
    void theRecordsOfFileLinesEachWithItsOwnValue(@TempDir Path dir) throws Exception {
        SplittableRandom r = new SplittableRandom(5);
        byte[] alphabet = {'a', 'b', ' ', '\n', '\r', '{', (byte) 0xC3, (byte) 0xA9, (byte) 0xFF};
        for (int round = 0; round < 12; round++) {
            int n = round == 0 ? 0 : r.nextInt(round < 6 ? 400 : 300_000);
            byte[] b = new byte[n];
            boolean longLines = round >= 9;
            for (int i = 0; i < n; i++) {
                // from round 9 long lines (over the reader's 64 KiB chunk); line ends of both kinds
                byte c = alphabet[r.nextInt(alphabet.length)];
                if (longLines && c == '\n') {
                    c = r.nextInt(20_000) == 0 ? (byte) '\n' : (byte) 'x';
                }
                b[i] = c;
            }
            if (n > 0 && b[0] == '\r') {
                b[0] = 'a'; // not a classic Mac file (FileLines cuts those at every \r; the file source gets a copy)
            }
            if (n > 0 && b[n - 1] == '\r') {
                // a last line ending in a lone \r: FileLines keeps the \r, this format drops it (a difference of
                // the two, left as it is here)
                b[n - 1] = 'a';
            }
            Path f = dir.resolve("in-" + round + ".log");
            Files.write(f, b);
            List<KafkaRecord> want = FileLines.read(f);
            if (FileLines.needsDecoding(f)) {
                continue;
            }
            List<KafkaRecord> got = new ArrayList<>();
            try (StreamFormat.Reader<KafkaRecord> reader = new FileLineFormat(f.getFileName().toString())
                    .createReader(new Configuration(), new LocalDataInputStream(f.toFile()))) {
                for (KafkaRecord k = reader.read(); k != null; k = reader.read()) {
                    got.add(k);
                }
            }
            assertEquals(want, got, "round " + round);
            IdentityHashMap<byte[], Boolean> arrays = new IdentityHashMap<>();
            for (KafkaRecord k : got) {
                assertEquals(null, arrays.put(k.value, true), "a value array of its own");
            }
            for (int i = 1; i < got.size(); i++) {
                assertNotSame(got.get(i - 1), got.get(i));
            }
        }
    }
}
