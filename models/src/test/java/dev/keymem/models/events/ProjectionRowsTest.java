package dev.keymem.models.events;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * {@code EventMemory.accumulate} (the projection's sums over its rows as arrays of their own) against
 * {@code accumulateFlat} (the same loops over the flat transposed projection) and against the plain loop
 * (one product at a time, columns in order), bit for bit; and {@code lexicalOrder} (the query's terms by
 * frequency, an insertion sort on ints) against the comparator over boxed indices it replaced.
 */
class ProjectionRowsTest {

    @Test
    void rowsGiveTheFlatAndThePlainSumsBitForBit() {
        SplittableRandom r = new SplittableRandom(7);
        for (EventSettings set : List.of(EventSettings.defaults(), EventSettings.defaults().withDimension(100))) {
            EventMemory m = new EventMemory(set);
            int d = set.dimension();
            int dc = set.cellDim();
            float[] p = m.projectionForTests();
            for (int trial = 0; trial < 3000; trial++) {
                // m from 0 to d columns (every tail of the 8- and 4-column passes), ascending, distinct
                int count = trial < 20 ? trial : r.nextInt(d + 1);
                int[] cols = new int[count];
                double[] vs = new double[count];
                int c = 0;
                for (int j = 0; j < d && c < count; j++) {
                    if (r.nextInt(d - j) < count - c) {
                        cols[c] = j;
                        vs[c] = trial % 3 == 0 ? (r.nextInt(9) - 4) * 0.0625 : (float) (r.nextDouble() * 2 - 1);
                        c++;
                    }
                }
                assertEquals(count, c);
                int[] offsets = new int[count];
                for (int k = 0; k < count; k++) {
                    offsets[k] = cols[k] * dc;
                }
                double[] plain = new double[dc];
                for (int i = 0; i < dc; i++) {
                    double a = 0;
                    for (int k = 0; k < count; k++) {
                        a += (double) p[i * d + cols[k]] * vs[k];
                    }
                    plain[i] = a;
                }
                double[] fast = m.accumulateFast(cols, vs, count);
                double[] flat = m.accumulateFlat(offsets, vs, count, dc);
                assertArrayEquals(plain, flat, 0.0, "flat, trial " + trial);
                assertArrayEquals(plain, fast, 0.0, "rows, trial " + trial);
                for (int i = 0; i < dc; i++) { // bit for bit, signed zeros included
                    assertEquals(Double.doubleToRawLongBits(plain[i]), Double.doubleToRawLongBits(fast[i]));
                }
            }
        }
    }

    @Test
    void lexicalOrderIsTheComparatorsOrder() {
        SplittableRandom r = new SplittableRandom(11);
        for (int trial = 0; trial < 5000; trial++) {
            int n = r.nextInt(40);
            int[] qt = new int[n];
            long[] qdf = new long[n];
            for (int i = 0; i < n; i++) {
                qt[i] = trial % 2 == 0 ? r.nextInt() : r.nextInt(50) - 25; // any ints; repeats too
                qdf[i] = r.nextInt(4) == 0 ? 0 : r.nextInt(trial % 3 == 0 ? 3 : 1000);
            }
            assertArrayEquals(EventMemory.lexicalOrderReference(qt, qdf), EventMemory.lexicalOrder(qt, qdf),
                    "trial " + trial);
        }
    }
}
