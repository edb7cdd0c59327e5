package dev.keymem.jobs.text;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The table forms of {@link RegexScan}'s character classes and the remembered open-table check against their references. */
class RegexScanTablesTest {
    @Test
    void wordAndHexTablesAreTheRangeTestsOnEveryChar() {
        int words = 0;
        int hexes = 0;
        for (int c = 0; c <= Character.MAX_VALUE; c++) {
            char ch = (char) c;
            assertEquals(RegexScan.wordReference(ch), RegexScan.word(ch), "word " + c);
            assertEquals(RegexScan.hexReference(ch), RegexScan.hex(ch), "hex " + c);
            words += RegexScan.word(ch) ? 1 : 0;
            hexes += RegexScan.hex(ch) ? 1 : 0;
        }
        assertEquals(63, words);
        assertEquals(22, hexes);
    }

    @Test
    void opensOpenIsOpensOfOpenWhateverWasCheckedBefore() {
        boolean[] wider = RegexScan.Starts.openWith(RegexScan.chars("<>~"));
        boolean[] narrower = RegexScan.Starts.OPEN.clone();
        narrower[':'] = false;
        char[] line = "a b:c /d".toCharArray();
        RegexScan.Starts open = RegexScan.Starts.of(line);
        RegexScan.Starts wide = RegexScan.Starts.of(line, wider);
        RegexScan.Starts narrow = RegexScan.Starts.of(line, narrower);
        // in every order, twice: a table that passed before must not let one that lacks a character pass
        for (int round = 0; round < 2; round++) {
            for (RegexScan.Starts s : new RegexScan.Starts[] {open, narrow, wide, narrow, open}) {
                assertEquals(s.opens(RegexScan.Starts.OPEN), s.opensOpen());
            }
        }
        assertTrue(wide.opensOpen());
        assertFalse(narrow.opensOpen());
    }
}
