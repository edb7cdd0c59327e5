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
        assertEquals("x ŞMon <TS> y", lt.mask("x ŞMon Jan 1 10:11:12 y"));
        for (String line : new String[] {"x ŞMon Jan 1 10:11:12 y", "x Жabcdefabcd y", "x Ж12ms y", "Жhost.example.com:80",
            "Жa/b/c d", "ЖFri, Jan 1 10:11:12"}) {
            assertEquals(lt.maskReference(line), lt.mask(line), line);
        }
    }
}
