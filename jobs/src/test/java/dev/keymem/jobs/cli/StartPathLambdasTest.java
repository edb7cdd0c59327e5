package dev.keymem.jobs.cli;

import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.keymem.jobs.logs.LogSummaryJob;
import dev.keymem.jobs.text.RegexScan;
import java.io.Serializable;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The file runs' start path spins no lambda class of ours that the class data archive could have held: the JVM
 * (17) never maps a lambda of a {@link Serializable} interface from the archive, so the masker's rule types are
 * not serializable (the rules are static, no serialized object holds one), and the log job's parser, which Flink
 * serializes with the job, is a class, not a lambda.
 */
class StartPathLambdasTest {
    @Test
    void theMaskersRuleTypesAreNotSerializable() throws Exception {
        for (Class<?> c : List.of(RegexScan.Start.class, RegexScan.End.class, RegexScan.CharTest.class,
                Class.forName("dev.keymem.jobs.text.LineMasker$Precheck"))) {
            assertFalse(Serializable.class.isAssignableFrom(c), c.getName());
        }
    }

    @Test
    void theLogJobsParserIsAClass() {
        Class<?> c = LogSummaryJob.parser("app").getClass();
        assertFalse(c.isHidden() || c.isSynthetic(), c.getName());
    }
}
