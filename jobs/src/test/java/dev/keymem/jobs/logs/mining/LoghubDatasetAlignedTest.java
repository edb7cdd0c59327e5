package dev.keymem.jobs.logs.mining;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link LoghubDataset#read} of a raw file with lines that logparser's reader skipped: each row gets the raw line it
 * was read from (the one carrying its header columns before its Content), not a skipped line that ends alike.
 */
class LoghubDatasetAlignedTest {

    private static final String HEADER = "LineId,Date,Level,Component,Content,EventId,EventTemplate\n";

    private static LoghubDataset read(Path dir, String log, String rows) throws Exception {
        Path d = Files.createDirectories(dir.resolve("Thing"));
        Files.writeString(d.resolve("Thing_2k.log"), log, StandardCharsets.UTF_8);
        Files.writeString(d.resolve("Thing_2k.log_structured.csv"), HEADER + rows, StandardCharsets.UTF_8);
        return LoghubDataset.read(d);
    }

    @Test
    void aSkippedContinuationLineEndingWithTheNextRowsContentIsNotTaken(@TempDir Path dir) throws Exception {
        LoghubDataset ds = read(dir, "2015-10-18 INFO a: started x\n    caused by y\n2015-10-18 INFO b: y\n",
                "1,2015-10-18,INFO,a,started x,E1,started <*>\n2,2015-10-18,INFO,b,y,E2,y\n");
        assertEquals(List.of("2015-10-18 INFO a: started x", "2015-10-18 INFO b: y"), ds.raw());
    }

    @Test
    void anEmptyContentDoesNotTakeASkippedBlankLine(@TempDir Path dir) throws Exception {
        LoghubDataset ds = read(dir, "2015-10-18 INFO a: x\n\n2015-10-18 INFO b: \n",
                "1,2015-10-18,INFO,a,x,E1,x\n2,2015-10-18,INFO,b,,E2,\n");
        assertEquals(List.of("2015-10-18 INFO a: x", "2015-10-18 INFO b: "), ds.raw());
    }

    @Test
    void aRowTakesTheLineWithItsHeaderColumnsInTheirOrder(@TempDir Path dir) throws Exception {
        // the continuation line carries the content and the level, not the date before them
        LoghubDataset ds = read(dir, "2015-10-18 WARN a: retry\n  INFO a: done\n2015-10-19 INFO a: done\n",
                "1,2015-10-18,WARN,a,retry,E1,retry\n2,2015-10-19,INFO,a,done,E2,done\n");
        assertEquals(List.of("2015-10-18 WARN a: retry", "2015-10-19 INFO a: done"), ds.raw());
    }
}
