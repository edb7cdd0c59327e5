package dev.keymem.jobs.logs.mining;

import dev.keymem.jobs.logs.LogLine;
import dev.keymem.jobs.logs.LogLineParser;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * {@link MessageValues#values} against {@link MessageValues#valuesIndexOf} (the form before {@link FixedWords}), and
 * {@link LineTokens#tokens} against {@link LineTokens#tokensPerToken} (the form before its one buffer), on the
 * lines of files as the miner meets them (each line's mined text, JSON message field or request fields; the tokens
 * of its masked values and of the text itself). Prints, per file, the texts compared and the disagreements (the
 * first few in full). A checking program for inputs outside the repository (the benchmark shapes), not a test:
 * {@code java -cp jobs/target/memctl.jar:jobs/target/test-classes dev.keymem.jobs.logs.mining.ValuesTokensOracleRun
 * FILE...}; exit code 1 where any text disagrees.
 */
public final class ValuesTokensOracleRun {
    private ValuesTokensOracleRun() {
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
                texts++;
                String v = MessageValues.values(text);
                String why = null;
                if (!v.equals(MessageValues.valuesIndexOf(text))) {
                    why = "values '" + v + "' vs '" + MessageValues.valuesIndexOf(text) + "'";
                } else {
                    for (String t : new String[] {lt.mask(v), text}) {
                        if (!Arrays.equals(LineTokens.tokens(t), LineTokens.tokensPerToken(t))) {
                            why = "tokens of '" + t + "'";
                        }
                    }
                }
                if (why != null && fileBad++ < 5) {
                    System.out.println(file + ": " + why + " on '" + text + "'");
                }
            }
            System.out.printf("%s: %d texts, %d disagree%n", file, texts, fileBad);
            bad += fileBad;
        }
        System.exit(bad == 0 ? 0 : 1);
    }
}
