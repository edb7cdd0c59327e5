package dev.keymem.models.trained;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The spread MQAR streams: length / density pairs with distinct keys, queries of earlier keys at the end. */
class MqarTaskTest {

    @Test
    void spreadStreamsHoldLengthOverDensityPairsAndQueryThem() {
        for (int density : new int[] {8, 16}) {
            MqarTask task = new MqarTask(8, 128, 16, 32, true, density);
            for (int length : new int[] {128, 1024}) {
                MqarTask.Sample s = task.sample(length, new SplittableRandom(length + density));
                int ctx = length - 16;
                Map<Integer, Integer> bound = new HashMap<>();
                for (int i = 0; i < ctx; i++) {
                    int id = s.ids()[i];
                    if (id < 128) {
                        assertTrue(i % 2 == 0 && bound.put(id, s.ids()[i + 1]) == null, "distinct keys at even offsets");
                        assertTrue(s.ids()[i + 1] >= 128 && s.ids()[i + 1] < 144, "a value follows its key");
                    }
                }
                assertEquals(length / density, bound.size());
                int queries = 0;
                for (int i = 0; i < length; i++) {
                    if (s.targets()[i] >= 0) {
                        queries++;
                        assertTrue(i >= ctx && (i - ctx) % 2 == 0);
                        assertEquals(bound.get(s.ids()[i]), s.targets()[i], "the target is the key's value");
                    }
                }
                assertEquals(8, queries);
            }
        }
        assertEquals(8, new MqarTask(8, 64, 16, 32, true).density(), "the spread variant's default density");
        assertThrows(IllegalArgumentException.class, () -> new MqarTask(8, 64, 16, 32, true, 8).sample(1024,
                new SplittableRandom(1)), "128 pairs need 128 distinct keys");
    }
}
