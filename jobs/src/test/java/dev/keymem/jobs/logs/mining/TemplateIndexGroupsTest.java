package dev.keymem.jobs.logs.mining;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * A bucket's group table filled by {@code groupOrNew} (one probe) and by {@code groupOrNewReference} (a look-up, then a
 * place) holds the same groups in the same slots after every step, through growth and deletions (whose shifts
 * depend on where each group sits): the same groups found, the same probes after.
 */
class TemplateIndexGroupsTest {
    @Test
    void oneProbeFillsTheTableAsTheReference() {
        Random r = new Random(5);
        for (int round = 0; round < 8; round++) {
            TemplateIndex.Bucket fast = new TemplateIndex.Bucket(12);
            TemplateIndex.Bucket ref = new TemplateIndex.Bucket(12);
            List<TemplateIndex.Group> live = new ArrayList<>();
            List<TemplateIndex.Group> liveRef = new ArrayList<>();
            int tokens = 5 + r.nextInt(400); // few tokens: many found again; many: the table grows
            for (int step = 0; step < 3000; step++) {
                if (!live.isEmpty() && r.nextInt(3) == 0) {
                    int k = r.nextInt(live.size());
                    TemplateIndex.Group g = live.remove(k);
                    TemplateIndex.Group h = liveRef.remove(k);
                    fast.removeGroup(g);
                    ref.removeGroup(h);
                } else {
                    int position = r.nextInt(12);
                    String token = "t" + r.nextInt(tokens);
                    int before = fast.groupCount;
                    TemplateIndex.Group g = fast.groupOrNew(position, token);
                    TemplateIndex.Group h = ref.groupOrNewReference(position, token);
                    assertEquals(token, g.token);
                    assertEquals(position, g.position);
                    assertEquals(h.token, g.token);
                    if (fast.groupCount > before) {
                        live.add(g);
                        liveRef.add(h);
                    } else {
                        assertSame(g, live.get(liveRef.indexOf(h)));
                    }
                }
                assertEquals(ref.groupCount, fast.groupCount);
                assertArrayEquals(ref.hashes, fast.hashes);
                for (int i = 0; i < ref.table.length && step % 16 == 0; i++) {
                    TemplateIndex.Group a = fast.table[i];
                    TemplateIndex.Group b = ref.table[i];
                    assertEquals(b == null, a == null);
                    if (a != null) {
                        assertEquals(b.token, a.token);
                        assertEquals(b.position, a.position);
                    }
                }
            }
        }
    }
}
