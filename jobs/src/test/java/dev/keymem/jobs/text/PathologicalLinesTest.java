package dev.keymem.jobs.text;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Lines of the largest accepted size (64 KiB) built to be hard for the masker's regular expressions and the
 * tokenizer: each must be encoded (cut to the token limit) without hanging the job's keyed step.
 */
class PathologicalLinesTest {

    static String repeat(String s, int chars) {
        StringBuilder sb = new StringBuilder(chars + s.length());
        while (sb.length() < chars) {
            sb.append(s);
        }
        return sb.toString();
    }

    static Map<String, String> lines() {
        int n = 64 * 1024 - 16;
        Map<String, String> m = new LinkedHashMap<>();
        m.put("dotted words before an @", repeat("a.", n) + " @");
        m.put("word chars before an @", repeat("a", n) + " x@y");
        m.put("dotted numbers", repeat("1.", n));
        m.put("digits", repeat("7", n));
        m.put("hex without digits", repeat("abcdef", n));
        m.put("hex with digits", repeat("a1", n));
        m.put("colons and hex", repeat("ab:", n));
        m.put("slashes", repeat("/a", n));
        m.put("url-ish", "x://" + repeat("a", n));
        m.put("ip-ish", repeat("255.", n));
        m.put("time-ish", repeat("12:34:", n));
        m.put("double colons", repeat("1::", n));
        m.put("colon groups", "1::" + repeat("1:", n));
        m.put("dates", repeat("2026-01-15 ", n));
        m.put("spaces", "x" + repeat(" ", n) + "y");
        m.put("emoji", repeat("\uD83D\uDE80", n / 2));
        m.put("mixed", repeat("id=0x1f path=/var/a.b user@host 10.0.0.1 ", n));
        return m;
    }

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void everyPathologicalLineIsEncodedWithoutHanging() {
        TextFrontEnd masked = TextFrontEnd.builder().build();
        TextFrontEnd raw = TextFrontEnd.builder().masking(false).build();
        for (Map.Entry<String, String> e : lines().entrySet()) {
            long t0 = System.nanoTime();
            TextFrontEnd.Encoded m = masked.encode(e.getValue());
            TextFrontEnd.Encoded r = raw.encode(e.getValue());
            System.out.printf("[pathological] %-26s %6d chars: masked %4d tokens, raw %4d tokens, %.0f ms%n", e.getKey(),
                    e.getValue().length(), m.tokenIds.length, r.tokenIds.length, (System.nanoTime() - t0) / 1e6);
            assertEquals(64, m.vector.length);
        }
    }
}
