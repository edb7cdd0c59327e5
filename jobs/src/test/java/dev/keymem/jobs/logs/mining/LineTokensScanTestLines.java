package dev.keymem.jobs.logs.mining;

import java.util.List;

/** The real lines of the scan tests (sample logs, and every loghub_2k line where ../shared is present). */
public final class LineTokensScanTestLines {
    private LineTokensScanTestLines() {
    }

    public static List<String> realLines() throws Exception {
        return LineTokensScanTest.realLines();
    }
}
