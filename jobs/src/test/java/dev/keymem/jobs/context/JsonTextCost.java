package dev.keymem.jobs.context;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;

/**
 * The answers' numbers alone ({@link JsonText#appendScaled(StringBuilder, long, int, char[])}) on one thread: the
 * {@code read_vector} values (k = 5) and {@code score} values (k = 4) of an answers file the context job wrote,
 * appended answer by answer to a reused builder as {@link ContextAnswers} appends them (each answer's text then
 * made a string). Prints the thread CPU ms of
 * each repetition, their minimum, and an MD5 of the text written (equal across builds when it is). A measuring
 * program, not a test: {@code java -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -cp
 * jobs/target/memctl.jar:jobs/target/test-classes dev.keymem.jobs.context.JsonTextCost ANSWERS 8}.
 */
public final class JsonTextCost {
    private JsonTextCost() {
    }

    public static void main(String[] a) throws Exception {
        List<String> answers = Files.readAllLines(Path.of(a[0]));
        long[][] rs = new long[answers.size()][];
        int[][] ks = new int[answers.size()][];
        int total = 0;
        for (int i = 0; i < rs.length; i++) {
            String s = answers.get(i);
            java.util.List<long[]> got = new java.util.ArrayList<>();
            for (int at = s.indexOf("\"score\":"); at >= 0; at = s.indexOf("\"score\":", at + 1)) {
                int e = s.indexOf(',', at);
                got.add(new long[] {Math.round(Double.parseDouble(s.substring(at + 8, e)) * 1e4), 4});
            }
            int v = s.indexOf("\"read_vector\":[");
            if (v >= 0) {
                String body = s.substring(v + 15, s.indexOf(']', v));
                for (String x : body.isEmpty() ? new String[0] : body.split(",")) {
                    got.add(new long[] {Math.round(Double.parseDouble(x) * 1e5), 5});
                }
            }
            rs[i] = new long[got.size()];
            ks[i] = new int[got.size()];
            for (int j = 0; j < got.size(); j++) {
                rs[i][j] = got.get(j)[0];
                ks[i][j] = (int) got.get(j)[1];
            }
            total += got.size();
        }
        int reps = Integer.parseInt(a[1]);
        ThreadMXBean tm = ManagementFactory.getThreadMXBean();
        long min = Long.MAX_VALUE;
        StringBuilder b = new StringBuilder(1024);
        char[] scratch = new char[24];
        String[] out = new String[rs.length];
        for (int r = 0; r < reps; r++) {
            long c0 = tm.getCurrentThreadCpuTime();
            for (int i = 0; i < rs.length; i++) {
                b.setLength(0);
                long[] ri = rs[i];
                int[] ki = ks[i];
                for (int j = 0; j < ri.length; j++) {
                    b.append(',');
                    JsonText.appendScaled(b, ri[j], ki[j], scratch);
                }
                out[i] = b.toString();
            }
            long spent = tm.getCurrentThreadCpuTime() - c0;
            min = Math.min(min, spent);
            MessageDigest md = MessageDigest.getInstance("MD5");
            for (String s : out) {
                md.update(s.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            }
            System.out.printf("rep %d: %.0f ms (%d numbers) md5=%s%n", r, spent / 1e6, total,
                    HexFormat.of().formatHex(md.digest()));
        }
        System.out.printf("min %.0f ms%n", min / 1e6);
    }
}
