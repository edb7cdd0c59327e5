package dev.keymem.jobs.logs.mining;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * {@link JsonLogFields#mined} with its brace check first ({@link JsonLogFields#braced}) against the form before it
 * ({@link JsonLogFields#minedReference}: the message, else the fields, each asking for the braces itself), and
 * {@code braced} against {@code String.strip}'s trim: on JSON objects (with and without a message field, nested,
 * empty) padded with ASCII and Unicode white space and chars that are none (U+00A0, U+200B), edited at random, random
 * strings of braces, quotes and white space, every loghub_2k line, and with {@code -Dkeymem.bench.in=DIR} the first
 * 3,000 raw lines (JSON records) and messages of the bench inputs.
 */
class JsonLogFieldsBracedTest {
    private static final String[] SEEDS = {
        "{\"msg\":\"user 42 logged in\",\"level\":\"info\"}",
        "{\"event\":\"login\",\"user\":{\"id\":42,\"name\":\"bob\"},\"ok\":true}",
        "{\"message\": \"disk full on /dev/sda1\", \"time\": \"2026-01-01T00:00:00Z\"}",
        "{}",
        "{\"a\":[1,2,{\"b\":null}]}",
        "{\"MESSAGE\":\"Started session\",\"_PID\":\"17\"}",
        "INFO {\"msg\":\"not a record\"}",
        "{\"msg\":\"x\"} trailing",
        "{ \"k\" : \"v\" }",
    };
    private static final String PAD = " \t\n\r\u000B\f\u001C\u001F\u2028\u3000\u00A0\u200B\u0085";

    @Test
    void theBraceCheckFirstIsTheFormBefore() throws IOException {
        SplittableRandom r = new SplittableRandom(2828);
        List<String> lines = new ArrayList<>();
        String alphabet = "{}\"\\:, abc1" + PAD;
        for (String seed : SEEDS) {
            lines.add(seed);
            for (int k = 0; k < 2000; k++) {
                StringBuilder b = new StringBuilder(seed);
                for (int e = 0, m = r.nextInt(3); e < m && b.length() > 0; e++) {
                    int at = r.nextInt(b.length());
                    switch (r.nextInt(3)) {
                        case 0 -> b.deleteCharAt(at);
                        case 1 -> b.insert(at, alphabet.charAt(r.nextInt(alphabet.length())));
                        default -> b.setCharAt(at, alphabet.charAt(r.nextInt(alphabet.length())));
                    }
                }
                for (int p = r.nextInt(3); p > 0; p--) {
                    b.insert(0, PAD.charAt(r.nextInt(PAD.length())));
                }
                for (int p = r.nextInt(3); p > 0; p--) {
                    b.append(PAD.charAt(r.nextInt(PAD.length())));
                }
                lines.add(b.toString());
            }
        }
        for (int k = 0; k < 20000; k++) {
            StringBuilder b = new StringBuilder();
            for (int c = 0, m = r.nextInt(8); c < m; c++) {
                b.append(alphabet.charAt(r.nextInt(alphabet.length())));
            }
            lines.add(b.toString());
        }
        Path loghub = Path.of(System.getProperty("keymem.loghub", "../../shared/data/loghub_2k"));
        if (Files.isDirectory(loghub)) {
            try (Stream<Path> files = Files.walk(loghub)) {
                for (Path f : files.filter(p -> p.toString().endsWith("_2k.log")).toList()) {
                    lines.addAll(Files.readAllLines(f));
                }
            }
        }
        String bench = System.getProperty("keymem.bench.in");
        if (bench != null) {
            for (String name : new String[] {"lhredraw1.log", "ids.jsonl", "kvfixed10k.jsonl", "mix49k.jsonl",
                "jsonlong10k.jsonl", "jsonfixed25k.jsonl", "stackmulti5k.jsonl", "nonascii.log", "syslog30.log"}) {
                try (Stream<String> s = Files.lines(Path.of(bench, name))) {
                    for (String l : s.limit(3000).toList()) {
                        lines.add(l);
                        String m = JsonLogFields.message(l);
                        if (m != null) {
                            lines.add(m); // the record's message, what the miner is given
                        }
                    }
                }
            }
        }
        int braced = 0;
        int mined = 0;
        for (String l : lines) {
            String s = l.strip();
            boolean b = JsonLogFields.braced(l);
            assertEquals(s.length() >= 2 && s.startsWith("{") && s.endsWith("}"), b, l);
            String fast = JsonLogFields.mined(l);
            assertEquals(JsonLogFields.minedReference(l), fast, l);
            braced += b ? 1 : 0;
            mined += fast != null ? 1 : 0;
        }
        assertTrue(braced > 5000 && mined > 3000 && lines.size() - braced > 10000,
                braced + " braced, " + mined + " mined of " + lines.size());
    }
}
