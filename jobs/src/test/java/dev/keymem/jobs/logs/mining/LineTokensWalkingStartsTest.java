package dev.keymem.jobs.logs.mining;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/**
 * {@link LineTokens#checkWalkingStarts}, the class-init check that none of the miner's own walking scans (host,
 * domain, day name, hex letters, slashed names, quantities) can start a match at a non-ASCII char (review 26c F2,
 * one {@link dev.keymem.jobs.text.RegexScan.Starts#checkAsciiStart} a scan): every scan passes it, and a line that
 * starts with a non-ASCII char before a scan's shape keeps that char (the scans walk no non-ASCII position).
 */
class LineTokensWalkingStartsTest {
    @Test
    void everyWalkingScanPassesTheCheck() {
        assertDoesNotThrow(LineTokens::checkWalkingStarts);
    }

    @Test
    void aNonAsciiCharBeforeAShapeStaysOutOfTheMatch() {
        LineTokens lt = new LineTokens();
        String[][] cases = {{"x ŞMon Jan 1 10:11:12 y", "x ŞMon <TS> y"}, {"x Ж12ms y", "x Ж<NUM>ms y"}};
        for (String[] c : cases) {
            assertEquals(c[1], lt.mask(c[0]), c[0]);
            assertEquals(lt.maskReference(c[0]), lt.mask(c[0]), c[0]);
        }
    }
}
