package dev.keymem.jobs.logs.mining;

import dev.keymem.jobs.logs.LogLine;
import dev.keymem.jobs.logs.LogLineParser;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * {@link LineTokens#mask} against {@link LineTokens#maskReference} (every pattern's regex over every position) and
 * the census pass's pre-checks against their reference, on the lines of files as the miner masks them (each
 * line's mined text, JSON message field or request fields, after {@link MessageValues#values}, and the text as
 * given). Prints, per file, the texts compared and the disagreements (the first few in full). A checking program
 * for inputs outside the repository (the benchmark shapes), not a test: run it as {@code java -cp
 * jobs/target/memctl.jar:jobs/target/test-classes dev.keymem.jobs.logs.mining.MaskOracleRun FILE...}; exit code 1
 * where any text disagrees.
 */
public final class MaskOracleRun {
    private MaskOracleRun() {
    }

    public static void main(String[] a) throws Exception {
        LineTokens lt = new LineTokens();
        LogLineParser parser = new LogLineParser(null);
        int bad = 0;
        for (String file : a) {
            long texts = 0;
            int fileBad = 0;
            long off = 0;
            for (String s : Files.readAllLines(Path.of(file))) {
                long o = off++;
                if (s.isBlank()) {
                    continue;
                }
                LogLine l;
                try {
                    l = parser.parse(null, s, o, -1);
                } catch (Exception e) {
                    continue;
                }
                String mined = JsonLogFields.mined(l.text);
                String request = mined == null ? AccessLogLine.requestFields(l.text) : null;
                String text = mined != null ? mined : request != null ? request : l.text;
                for (String t : new String[] {text, MessageValues.values(text)}) {
                    texts++;
                    String why = null;
                    if (LineTokens.preChecks(t.toCharArray()) != LineTokens.preChecksReference(t)) {
                        why = "pre-checks " + LineTokens.preChecks(t.toCharArray()) + " vs " + LineTokens.preChecksReference(t);
                    } else if (!lt.mask(t).equals(lt.maskReference(t))) {
                        why = "mask '" + lt.mask(t) + "' vs '" + lt.maskReference(t) + "'";
                    }
                    if (why != null && fileBad++ < 5) {
                        System.out.println(file + ": " + why + " on '" + t + "'");
                    }
                }
            }
            System.out.printf("%s: %d texts, %d disagree%n", file, texts, fileBad);
            bad += fileBad;
        }
        System.exit(bad == 0 ? 0 : 1);
    }
}
