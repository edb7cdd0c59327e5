package dev.keymem.jobs.context;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;

/**
 * The answers' strings alone: every event's text, type and ts of a JSON-lines file (as the parse step makes them)
 * written as JSON strings the two ways, {@link JsonText#appendString(StringBuilder, String)} (the reference) and
 * {@link JsonText#appendString(StringBuilder, String, byte[])} (eight chars a step), each event's into a reused
 * builder then made a string (as {@link ContextAnswers}'s hit heads are). Each pass times both forms, the order
 * turned each pass; prints each form's thread CPU ms per pass, their minima, and an MD5 of each form's strings
 * (equal when the two write the same). A measuring program, not a test: {@code java -XX:TieredStopAtLevel=1
 * -XX:+UseSerialGC -cp jobs/target/memctl.jar:jobs/target/test-classes dev.keymem.jobs.context.Ctx27StringCost
 * FILE 7}.
 */
public final class Ctx27StringCost {
    private Ctx27StringCost() {
    }

    public static void main(String[] a) throws Exception {
        List<ContextEvent> evs = ContextFrontEndCost.events(Path.of(a[0]));
        int passes = Integer.parseInt(a[1]);
        ThreadMXBean tm = ManagementFactory.getThreadMXBean();
        long[] min = {Long.MAX_VALUE, Long.MAX_VALUE};
        String[][] out = new String[2][evs.size()];
        StringBuilder b = new StringBuilder(1024);
        byte[] scratch = new byte[1 << 16];
        for (int p = 0; p < passes; p++) {
            StringBuilder line = new StringBuilder("pass " + p + ":");
            for (int o = 0; o < 2; o++) {
                int form = (p + o) % 2; // 0 reference, 1 fast; the order turned each pass
                long c0 = tm.getCurrentThreadCpuTime();
                for (int i = 0; i < evs.size(); i++) {
                    ContextEvent e = evs.get(i);
                    b.setLength(0);
                    if (form == 0) {
                        JsonText.appendString(b, e.text);
                        JsonText.appendString(b, e.type);
                        JsonText.appendString(b, e.ts);
                    } else {
                        JsonText.appendString(b, e.text, scratch);
                        JsonText.appendString(b, e.type, scratch);
                        JsonText.appendString(b, e.ts, scratch);
                    }
                    out[form][i] = b.toString();
                }
                long spent = tm.getCurrentThreadCpuTime() - c0;
                min[form] = Math.min(min[form], spent);
                line.append(String.format(" %s %.1f ms", form == 0 ? "reference" : "fast", spent / 1e6));
            }
            System.out.println(line);
        }
        for (int form = 0; form < 2; form++) {
            MessageDigest md = MessageDigest.getInstance("MD5");
            for (String s : out[form]) {
                md.update(s.getBytes(java.nio.charset.StandardCharsets.UTF_8));
            }
            System.out.printf("%s: min %.1f ms md5=%s%n", form == 0 ? "reference" : "fast", min[form] / 1e6,
                    HexFormat.of().formatHex(md.digest()));
        }
    }
}
