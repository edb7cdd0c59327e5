package dev.keymem.jobs.logs;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.util.List;
import org.apache.flink.api.common.serialization.SerializerConfigImpl;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.junit.jupiter.api.Test;

/** {@link JobOutputSerializer}: the copy is the output itself; serialization gives every field back exactly. */
class JobOutputSerializerTest {

    private static final List<JobOutput> OUTPUTS = List.of(
            new JobOutput(JobOutput.RESULT, "api-7", "{\"source\":\"api-7\",\"lines\":3}"),
            new JobOutput(JobOutput.DEAD_LETTER, null, "{\"reason\":\"not JSON\"}"),
            new JobOutput("some-other-kind", "caf\u00e9 \ud83d\ude00", "{\"x\":\"\u00fc\"}"),
            new JobOutput(JobOutput.RESULT, "lone \ud800 surrogate", "{\"t\":\"\udc00 too\"}"),
            new JobOutput(null, null, null),
            new JobOutput(JobOutput.RESULT, "", ""),
            new JobOutput(JobOutput.RESULT, "long", "{\"t\":\"" + "\u00e9x".repeat(70_000) + "\"}"));

    @Test
    void theCopyIsTheOutputItselfWithItsCount() {
        JobOutput o = JobOutput.counted(JobOutput.RESULT, "k", "{\"a\":1}", 7);
        assertSame(o, JobOutputSerializer.INSTANCE.copy(o));
        assertSame(o, JobOutputSerializer.INSTANCE.copy(o, new JobOutput()));
        assertEquals(7, JobOutputSerializer.INSTANCE.copy(o).utf8Bytes());
    }

    @Test
    void serializationGivesEveryFieldBack() throws IOException {
        for (JobOutput o : OUTPUTS) {
            DataOutputSerializer out = new DataOutputSerializer(64);
            JobOutputSerializer.INSTANCE.serialize(o, out);
            byte[] bytes = out.getCopyOfBuffer();
            DataInputDeserializer in = new DataInputDeserializer(bytes);
            JobOutput back = JobOutputSerializer.INSTANCE.deserialize(in);
            assertEquals(0, in.available(), "all bytes read");
            assertNotSame(o, back);
            assertEquals(o.kind, back.kind);
            assertEquals(o.key, back.key);
            assertEquals(o.json, back.json);
            assertEquals(-1, back.utf8Bytes(), "the count is no field of the format");

            DataOutputSerializer copied = new DataOutputSerializer(bytes.length); // write(in, n) does not grow it
            JobOutputSerializer.INSTANCE.copy(new DataInputDeserializer(bytes), copied);
            assertArrayEquals(bytes, copied.getCopyOfBuffer(), "the serialized copy is the same bytes");
        }
    }

    @Test
    void theKindsOfTheJobsAreTheConstants() throws IOException {
        for (String kind : List.of(JobOutput.RESULT, JobOutput.DEAD_LETTER)) {
            DataOutputSerializer out = new DataOutputSerializer(16);
            JobOutputSerializer.INSTANCE.serialize(new JobOutput(new String(kind.toCharArray()), "k", "{}"), out);
            JobOutput back = JobOutputSerializer.INSTANCE.deserialize(new DataInputDeserializer(out.getCopyOfBuffer()));
            assertSame(kind, back.kind);
        }
    }

    @Test
    void unknownFlagsAreRefused() {
        byte[] bytes = {(byte) 0x10};
        assertThrows(IOException.class,
                () -> JobOutputSerializer.INSTANCE.deserialize(new DataInputDeserializer(bytes)));
    }

    @Test
    void theJobsTypeIsThisSerializers() {
        TypeInformation<JobOutput> t = TypeInformation.of(JobOutput.class);
        assertEquals(JobOutputSerializer.TYPE, t);
        assertSame(EmbeddedJobs.OUTPUT, JobOutputSerializer.TYPE);
        TypeSerializer<JobOutput> s = t.createSerializer(new SerializerConfigImpl());
        assertSame(JobOutputSerializer.INSTANCE, s);
        assertSame(JobOutputSerializer.INSTANCE, s.snapshotConfiguration().restoreSerializer());
    }
}
