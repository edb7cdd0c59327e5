package dev.keymem.jobs.text;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;

import org.junit.jupiter.api.Test;

/**
 * The census pass's 64 KB char tables ({@code Census.bits}) are made once per {@code open} table, also where a caller
 * switches between tables (review 26c F1: one cached entry rebuilt the table at every switch). Checked by the
 * identity of the table returned, not by time.
 */
class CensusTableCacheTest {

    @Test
    void switchingBetweenTwoTablesMakesNeitherAgain() {
        boolean[] a = RegexScan.Starts.OPEN;
        boolean[] b = a.clone(); // the same entries, another table
        b['q'] = false;
        byte[] ta = LineMasker.Census.bits(a);
        byte[] tb = LineMasker.Census.bits(b);
        assertNotSame(ta, tb);
        for (int i = 0; i < 10; i++) {
            assertSame(ta, LineMasker.Census.bits(a), "switch " + i);
            assertSame(tb, LineMasker.Census.bits(b), "switch " + i);
        }
        assertSame(LineMasker.Census.bits(null), LineMasker.Census.bits(null));
    }

    @Test
    void asManyTablesAsTheCacheHoldsStayMade() {
        boolean[][] open = new boolean[LineMasker.Census.CACHED_TABLES][];
        byte[][] made = new byte[open.length][];
        for (int k = 0; k < open.length; k++) {
            open[k] = RegexScan.Starts.OPEN.clone();
            made[k] = LineMasker.Census.bits(open[k]);
        }
        for (int round = 0; round < 3; round++) {
            for (int k = 0; k < open.length; k++) {
                assertSame(made[k], LineMasker.Census.bits(open[k]), "table " + k + ", round " + round);
            }
        }
    }

    @Test
    void aTableHoldsWhatItsOpenTableSays() {
        boolean[] b = RegexScan.Starts.OPEN.clone();
        b['a'] = false;
        byte[] ta = LineMasker.Census.bits(RegexScan.Starts.OPEN);
        byte[] tb = LineMasker.Census.bits(b);
        byte[] expected = ta.clone();
        expected['a'] = tb['a'];
        assertArrayEquals(expected, tb); // only 'a' differs
        assertNotEquals(ta['a'], tb['a']);
        for (int c = 128; c < 65536; c++) {
            if (ta[c] != 0) {
                throw new AssertionError("non-ASCII entry " + c);
            }
        }
    }
}
