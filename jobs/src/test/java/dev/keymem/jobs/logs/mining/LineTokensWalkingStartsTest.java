package dev.keymem.jobs.logs.mining;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * {@link LineTokens#checkWalkingStarts}, the class-init check that none of the miner's own walking scans (host,
 * domain, day name, hex letters, slashed names, quantities) can start a match at a non-ASCII char (review 26c F2,
 * one {@link dev.keymem.jobs.text.RegexScan.Starts#checkAsciiStart} a scan): every scan is in the one table it reads
 * ({@link LineTokens#WALKING_SCANS}, found by reflection: review 27b F4), every scan passes it, a scan that starts at
 * a non-ASCII char fails it, and a line that starts with a non-ASCII char before a scan's shape keeps that char (the
 * scans walk no non-ASCII position).
 */
class LineTokensWalkingStartsTest {
    private static final String[] LINES = {"x Mon host.example.com:80 abcdefabcd a/b/c 12ms <x> ~5 y",
        "Fri, Jan 1 10:11:12 a.b.io:8080/x <HEX> 3.5GB ŞMon Жabcdef 0x1f", ""};

    /**
     * Every static {@code mayStart<Name>(char[], int)} of {@link LineTokens} (a walking scan's {@code Start} test; a
     * new scan brings one) has its entry in the table, with the regex of that name ({@code HexLetters}:
     * {@code HEX_LETTERS}) and that very test (the same answers at every index of a few lines), and the table holds
     * nothing else.
     */
    @Test
    void everyWalkingScanIsInTheTable() throws Exception {
        Map<String, Method> starts = new TreeMap<>();
        for (Method m : LineTokens.class.getDeclaredMethods()) {
            if (Modifier.isStatic(m.getModifiers()) && m.getName().startsWith("mayStart")
                    && Arrays.equals(m.getParameterTypes(), new Class<?>[] {char[].class, int.class})) {
                starts.put(m.getName().substring("mayStart".length()), m);
            }
        }
        Map<String, LineTokens.WalkingScan> table = new TreeMap<>();
        for (LineTokens.WalkingScan scan : LineTokens.WALKING_SCANS) {
            table.put(scan.name(), scan);
        }
        assertEquals(starts.keySet(), table.keySet(), "mayStart methods vs LineTokens.WALKING_SCANS");
        for (LineTokens.WalkingScan scan : LineTokens.WALKING_SCANS) {
            Field regex = LineTokens.class.getDeclaredField(upperSnake(scan.name()));
            regex.setAccessible(true);
            assertSame(regex.get(null), scan.pattern(), scan.name());
            Method start = starts.get(scan.name());
            assertNotNull(start, scan.name());
            start.setAccessible(true);
            for (String line : LINES) {
                char[] cs = line.toCharArray();
                for (int i = 0; i < cs.length; i++) {
                    assertEquals(start.invoke(null, cs, i), scan.start().mayStart(cs, i), scan.name() + " at " + i);
                }
            }
        }
    }

    @Test
    void everyWalkingScanPassesTheCheck() {
        assertDoesNotThrow(() -> LineTokens.checkWalkingStarts(LineTokens.WALKING_SCANS));
    }

    @Test
    void theCheckFailsAScanThatStartsAtANonAsciiChar() {
        LineTokens.WalkingScan any = new LineTokens.WalkingScan("Any", Pattern.compile("x"), (s, i) -> true,
                (s, i) -> -1);
        assertThrows(IllegalStateException.class,
                () -> LineTokens.checkWalkingStarts(List.of(LineTokens.WALKING_SCANS.get(0), any)));
    }

    @Test
    void aNonAsciiCharBeforeAShapeStaysOutOfTheMatch() {
        LineTokens lt = new LineTokens();
        assertEquals("x ŞMon <TS> y", lt.mask("x ŞMon Jan 1 10:11:12 y"));
        for (String line : new String[] {"x ŞMon Jan 1 10:11:12 y", "x Жabcdefabcd y", "x Ж12ms y",
            "Жhost.example.com:80", "Жa/b/c d", "ЖFri, Jan 1 10:11:12"}) {
            assertEquals(lt.maskReference(line), lt.mask(line), line);
        }
    }

    /** {@code HexLetters} as {@code HEX_LETTERS}. */
    private static String upperSnake(String name) {
        return name.replaceAll("(?<=[a-z])(?=[A-Z])", "_").toUpperCase(java.util.Locale.ROOT);
    }
}
