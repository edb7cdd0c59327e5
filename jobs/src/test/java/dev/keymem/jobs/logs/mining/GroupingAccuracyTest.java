package dev.keymem.jobs.logs.mining;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Grouping accuracy as logpai's evaluator computes it (cases worked by hand). */
class GroupingAccuracyTest {
    @Test
    void aGroupCountsOnlyWhenItIsExactlyAGroundTruthGroup() {
        List<String> truth = List.of("A", "A", "B", "B", "C");
        assertEquals(1.0, GroupingAccuracy.of(truth, List.of(1, 1, 2, 2, 3)));
        // B split in two: its 2 lines are wrong; A and C right.
        assertEquals(3 / 5.0, GroupingAccuracy.of(truth, List.of(1, 1, 2, 4, 3)));
        // B and C merged: 3 lines wrong.
        assertEquals(2 / 5.0, GroupingAccuracy.of(truth, List.of(1, 1, 2, 2, 2)));
        // Everything in one group.
        assertEquals(0.0, GroupingAccuracy.of(truth, List.of(0, 0, 0, 0, 0)));
    }

    @Test
    void nullGroundTruthIsLeftOut() {
        assertEquals(1.0, GroupingAccuracy.of(Arrays.asList("A", null, "A"), List.of(1, 2, 1)));
    }

    @Test
    void lengthsMustAgree() {
        assertThrows(IllegalArgumentException.class, () -> GroupingAccuracy.of(List.of("A"), List.of(1, 2)));
    }
}
