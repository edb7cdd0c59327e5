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
 * frequency: an insertion sort on ints, sorts of packed long keys for many terms) against the comparator over
 * boxed indices it replaced.
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
            double[] pt = new double[dc * d]; // the projection transposed (D x d_c, row-major), in doubles
            for (int i = 0; i < dc; i++) {
                for (int j = 0; j < d; j++) {
                    pt[j * dc + i] = p[i * d + j];
                }
            }
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
                double[] flat = accumulateFlat(pt, offsets, vs, count, dc);
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

    @Test
    void lexicalOrderOfManyTermsIsTheComparatorsOrder() {
        SplittableRandom r = new SplittableRandom(13);
        for (int trial = 0; trial < 400; trial++) {
            // around the insertion sort's limit, and long queries (thousands of terms)
            int n = trial < 40 ? EventMemory.LEXICAL_INSERTION_MAX - 3 + trial : r.nextInt(trial % 10 == 0 ? 9000 : 600);
            int[] qt = new int[n];
            long[] qdf = new long[n];
            int mode = trial % 5;
            for (int i = 0; i < n; i++) {
                switch (mode) {
                    case 0 -> qt[i] = r.nextInt(); // any ints
                    case 1 -> qt[i] = r.nextInt(8) - 4; // many repeats: ties of term and frequency, by index
                    default -> qt[i] = r.nextBoolean() ? r.nextInt(60) - 30 : (r.nextBoolean() ? Integer.MIN_VALUE : Integer.MAX_VALUE);
                }
                qdf[i] = switch (trial % 4) {
                    case 0 -> r.nextInt(3); // many equal frequencies
                    case 1 -> r.nextInt(4) == 0 ? 0 : r.nextInt(1_000_000);
                    case 2 -> r.nextBoolean() ? Integer.MAX_VALUE - r.nextInt(2) : r.nextInt(5); // the packed limit
                    default -> r.nextInt(4) == 0 ? Long.MAX_VALUE - r.nextInt(3) // beyond it: frequencies ranked
                            : r.nextBoolean() ? (long) Integer.MAX_VALUE + r.nextInt(3) : r.nextInt(5) - (mode == 0 ? 2 : 0);
                };
            }
            int[] ref = EventMemory.lexicalOrderReference(qt, qdf);
            assertArrayEquals(ref, EventMemory.lexicalOrder(qt, qdf), "trial " + trial + ", n " + n);
            assertArrayEquals(ref, EventMemory.lexicalOrderPacked(qt, qdf), "packed, trial " + trial + ", n " + n);
        }
    }

    /**
     * {@code EventMemory.accumulate} over the flat transposed projection {@code pt} (D x d_c, row-major), {@code cols[k]} the offset {@code j * d_c} of
     * column j's row (the form before the rows were arrays of their own: the reference, for tests). Its sums
     * in a new array.
     */
    static double[] accumulateFlat(double[] pt, int[] cols, double[] vs, int m, int dc) {
        double[] acc = new double[dc];
        int k = 0;
        for (; k + 8 <= m; k += 8) {
            int c0 = cols[k];
            int c1 = cols[k + 1];
            int c2 = cols[k + 2];
            int c3 = cols[k + 3];
            int c4 = cols[k + 4];
            int c5 = cols[k + 5];
            int c6 = cols[k + 6];
            int c7 = cols[k + 7];
            double v0 = vs[k];
            double v1 = vs[k + 1];
            double v2 = vs[k + 2];
            double v3 = vs[k + 3];
            double v4 = vs[k + 4];
            double v5 = vs[k + 5];
            double v6 = vs[k + 6];
            double v7 = vs[k + 7];
            for (int i = 0; i < dc; i++) {
                double a = acc[i];
                a += pt[c0 + i] * v0;
                a += pt[c1 + i] * v1;
                a += pt[c2 + i] * v2;
                a += pt[c3 + i] * v3;
                a += pt[c4 + i] * v4;
                a += pt[c5 + i] * v5;
                a += pt[c6 + i] * v6;
                a += pt[c7 + i] * v7;
                acc[i] = a;
            }
        }
        for (; k + 4 <= m; k += 4) {
            int c0 = cols[k];
            int c1 = cols[k + 1];
            int c2 = cols[k + 2];
            int c3 = cols[k + 3];
            double v0 = vs[k];
            double v1 = vs[k + 1];
            double v2 = vs[k + 2];
            double v3 = vs[k + 3];
            for (int i = 0; i < dc; i++) {
                double a = acc[i];
                a += pt[c0 + i] * v0;
                a += pt[c1 + i] * v1;
                a += pt[c2 + i] * v2;
                a += pt[c3 + i] * v3;
                acc[i] = a;
            }
        }
        for (; k < m; k++) {
            int c = cols[k];
            double v = vs[k];
            for (int i = 0; i < dc; i++) {
                acc[i] += pt[c + i] * v;
            }
        }
        return acc;
    }
}
