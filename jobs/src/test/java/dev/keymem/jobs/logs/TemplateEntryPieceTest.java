package dev.keymem.jobs.logs;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.keymem.state.PayloadReader;
import dev.keymem.state.PayloadWriter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.junit.jupiter.api.Test;

/** The template ledger's entry serializer: round trip, committed format-1 fixture, corruption. */
class TemplateEntryPieceTest {
    static final Path FIXTURE = Path.of("src/test/resources/fixtures/templateentry-format1.bin");

    static TemplateEntry sample() {
        TemplateEntry e = new TemplateEntry(7, "session opened for user <*> by <*>");
        e.shown = true;
        e.total = 120;
        e.lastPosition = 1999;
        e.shapes = "+<NUM>";
        e.count = 12;
        e.firstOffset = 1500;
        e.lastOffset = 1999;
        e.params = "+cyrus (uid=0)\u001f+news (uid=9)";
        e.paramsDistinct = 2;
        e.innovation = 0.8125f;
        e.flag = "returned";
        e.text = "Jun 14 15:16:01 combo su(pam_unix)[1]: session opened for user cyrus by (uid=0) ü";
        e.textOffset = 1500;
        e.textTimestamp = -1;
        return e;
    }

    static byte[] bytes(TemplateEntry e) throws IOException {
        DataOutputSerializer out = new DataOutputSerializer(256);
        new TemplateEntryPiece.Serializer().serialize(e, out);
        return out.getCopyOfBuffer();
    }

    static String fields(TemplateEntry e) {
        return Arrays.asList(e.id, e.template, e.shown, e.total, e.lastPosition, e.shapes, e.count, e.firstOffset,
                e.lastOffset, e.params, e.paramsDistinct, e.innovation, e.flag, e.text, e.textOffset,
                e.textTimestamp).toString();
    }

    @Test
    void roundTripAndFixture() throws IOException {
        TemplateEntry e = sample();
        byte[] b = bytes(e);
        TemplateEntry back = new TemplateEntryPiece.Serializer().deserialize(new DataInputDeserializer(b));
        assertEquals(fields(e), fields(back));
        assertArrayEquals(b, bytes(back), "bit-exact");
        assertEquals(fields(e), fields(TemplateEntryPiece.INSTANCE.copy(e)));
        if (!Files.exists(FIXTURE)) {
            Files.write(FIXTURE, b);
        }
        assertArrayEquals(Files.readAllBytes(FIXTURE), b,
                "TemplateEntry format 1 layout changed: bump the piece's format and keep a reader for format 1");
    }

    @Test
    void corruptionIsDetected() throws IOException {
        byte[] b = bytes(sample());
        for (int i = 0; i < b.length; i += 5) {
            byte[] c = b.clone();
            c[i] ^= 0x04;
            assertThrows(IOException.class, () -> new TemplateEntryPiece.Serializer()
                    .deserialize(new DataInputDeserializer(c)), "flip at byte " + i);
        }
        TemplateEntry e = sample();
        e.count = 500; // more lines in the period than in all time
        PayloadWriter w = new PayloadWriter(64);
        TemplateEntryPiece.INSTANCE.write(e, w);
        assertThrows(dev.keymem.state.CorruptStateException.class, () -> TemplateEntryPiece.INSTANCE.read(1,
                PayloadReader.over("TemplateEntry", w.array(), w.size()), null));
    }
}
