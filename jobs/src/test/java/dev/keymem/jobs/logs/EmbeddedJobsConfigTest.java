package dev.keymem.jobs.logs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.apache.flink.api.common.ExecutionConfig;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.junit.jupiter.api.Test;

/** The embedded runs' configuration: its defaults, and that keymem.flink.* system properties override them. */
class EmbeddedJobsConfigTest {
    static final String COMPRESSION = "state.backend.rocksdb.compression.per.level";

    static String get(Configuration c, String key) {
        return c.toMap().get(key);
    }

    @Test
    void defaultsAndOverrides() {
        Path dir = Path.of("/tmp/keymem-chk");
        Configuration c = EmbeddedJobs.config(dir, 500, 3);
        assertEquals("rocksdb", get(c, "state.backend.type"));
        assertEquals("NO_COMPRESSION", get(c, COMPRESSION));
        assertEquals("500 ms", get(c, "execution.checkpointing.interval"));
        assertEquals("3", get(c, "parallelism.default"));
        String over = EmbeddedJobs.FLINK_PROPERTY_PREFIX + COMPRESSION;
        String extra = EmbeddedJobs.FLINK_PROPERTY_PREFIX + "state.backend.rocksdb.block.blocksize";
        System.setProperty(over, "SNAPPY_COMPRESSION");
        System.setProperty(extra, "16kb");
        System.setProperty(EmbeddedJobs.FLINK_PROPERTY_PREFIX, "ignored: no key");
        try {
            Configuration o = EmbeddedJobs.config(dir, 500, 3);
            assertEquals("SNAPPY_COMPRESSION", get(o, COMPRESSION));
            assertEquals("16kb", get(o, "state.backend.rocksdb.block.blocksize"));
            assertEquals("rocksdb", get(o, "state.backend.type"));
            assertFalse(o.toMap().containsKey(""));
        } finally {
            System.clearProperty(over);
            System.clearProperty(extra);
            System.clearProperty(EmbeddedJobs.FLINK_PROPERTY_PREFIX);
        }
        assertEquals("NO_COMPRESSION", get(EmbeddedJobs.config(dir, 500, 3), COMPRESSION));
    }

    /** No closure cleaning in an embedded run's environment, unless a keymem.flink property asks for it. */
    @Test
    void noClosureCleaningUnlessAsked() {
        Path dir = Path.of("/tmp/keymem-chk");
        assertEquals(ExecutionConfig.ClosureCleanerLevel.NONE, StreamExecutionEnvironment
                .getExecutionEnvironment(EmbeddedJobs.config(dir, 500, 1)).getConfig().getClosureCleanerLevel());
        String key = EmbeddedJobs.FLINK_PROPERTY_PREFIX + "pipeline.closure-cleaner-level";
        System.setProperty(key, "RECURSIVE");
        try {
            assertEquals(ExecutionConfig.ClosureCleanerLevel.RECURSIVE, StreamExecutionEnvironment
                    .getExecutionEnvironment(EmbeddedJobs.config(dir, 500, 1)).getConfig().getClosureCleanerLevel());
        } finally {
            System.clearProperty(key);
        }
    }
    /** No object reuse in an embedded run's environment (see EmbeddedJobs.config), unless a keymem.flink property asks. */
    @Test
    void noObjectReuseUnlessAsked() {
        Path dir = Path.of("/tmp/keymem-chk");
        assertFalse(StreamExecutionEnvironment.getExecutionEnvironment(EmbeddedJobs.config(dir, 500, 1)).getConfig()
                .isObjectReuseEnabled());
        String key = EmbeddedJobs.FLINK_PROPERTY_PREFIX + "pipeline.object-reuse";
        System.setProperty(key, "true");
        try {
            assertTrue(StreamExecutionEnvironment.getExecutionEnvironment(EmbeddedJobs.config(dir, 500, 1))
                    .getConfig().isObjectReuseEnabled());
        } finally {
            System.clearProperty(key);
        }
    }
}
