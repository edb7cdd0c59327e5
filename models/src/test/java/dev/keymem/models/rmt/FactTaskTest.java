package dev.keymem.models.rmt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The Java fact-task generator and the Python one ({@code training/keymem_train/tasks.py}, samples
 * committed by {@code training/export_task_samples.py}) obey the same rules: a rule-based solver reading
 * only the tokens finds each sample's answer, the facts are well formed and do not overlap, and the
 * reasoning facts come in every order with the holder either person.
 */
class FactTaskTest {

    static final Path PYTHON = Path.of("src/test/resources/dev/keymem/models/rmt/fact-tasks-python.txt");

    /** What a sample's tokens say: the answer a reader derives, and the order of the facts. */
    record Parsed(int answer, String order, boolean holderFirstPerson) {
    }

    /** Reads the facts out of the tokens (anything below NOISE0 outside the question) and solves the task. */
    static Parsed solve(FactTask.Kind kind, int[] t) {
        int n = t.length;
        assertEquals(FactTask.Q, t[n - 2], "question token");
        List<int[]> facts = new ArrayList<>();
        for (int i = 0; i < n - 2; i++) {
            if (t[i] < FactTask.NOISE0) {
                assertTrue(i + 2 < n - 2, "fact runs into the question at " + i);
                int[] f = {t[i], t[i + 1], t[i + 2]};
                assertTrue(f[0] >= FactTask.NAME0 && f[0] < FactTask.ACTION0, "fact starts with a name: " + Arrays.toString(f));
                assertTrue(f[2] < FactTask.NOISE0, "fact ends inside the vocabulary: " + Arrays.toString(f));
                facts.add(f);
                i += 2;
            }
        }
        int q = t[n - 1];
        if (kind != FactTask.Kind.REASONING) {
            assertEquals(1, facts.size());
            int[] f = facts.get(0);
            assertTrue(f[1] >= FactTask.ACTION0 && f[1] < FactTask.PLACE0);
            assertTrue(f[2] >= FactTask.PLACE0 && f[2] < FactTask.OBJECT0);
            assertEquals(f[0], q, "the question names the fact's person");
            return new Parsed(f[2], "", false);
        }
        assertEquals(3, facts.size(), "two moves and one pick-up");
        int[] grab = null;
        List<int[]> moves = new ArrayList<>();
        StringBuilder order = new StringBuilder();
        for (int[] f : facts) {
            if (f[1] == FactTask.GRAB) {
                assertTrue(grab == null, "one pick-up");
                grab = f;
                order.append('G');
            } else {
                assertTrue(f[1] >= FactTask.ACTION0 && f[1] < FactTask.PLACE0);
                assertTrue(f[2] >= FactTask.PLACE0 && f[2] < FactTask.OBJECT0);
                moves.add(f);
                order.append('M');
            }
        }
        assertTrue(grab != null && moves.size() == 2);
        assertTrue(grab[2] >= FactTask.OBJECT0 && grab[2] < FactTask.NOISE0);
        assertEquals(grab[2], q, "the question asks for the object picked up");
        assertTrue(moves.get(0)[0] != moves.get(1)[0], "two different people");
        assertTrue(moves.get(0)[2] != moves.get(1)[2], "two different places: the distractor is never the answer");
        int answer = -1;
        for (int[] m : moves) {
            if (m[0] == grab[0]) {
                answer = m[2];
            }
        }
        assertTrue(answer >= 0, "the holder is one of the two people who moved");
        return new Parsed(answer, order.toString(), moves.get(0)[0] == grab[0]);
    }

    static int[] tokens(FactTask.Sample s, int length) {
        int[] out = new int[length];
        s.tokens(0, out, length);
        return out;
    }

    @Test
    void javaSamplesAreSolvableFromTheirTokens() {
        SplittableRandom r = new SplittableRandom(3);
        for (FactTask.Kind kind : FactTask.Kind.values()) {
            for (int length : new int[] {12, 32, 64, 257}) {
                int[] orders = new int[3];
                int holderFirst = 0;
                int samples = 400;
                for (int i = 0; i < samples; i++) {
                    FactTask.Sample s = FactTask.sample(kind, length, 64, r);
                    Parsed p = solve(kind, tokens(s, length));
                    assertEquals(s.answer, p.answer, kind + " length " + length);
                    if (kind == FactTask.Kind.REASONING) {
                        orders[p.order.indexOf('G')]++;
                        holderFirst += p.holderFirstPerson ? 1 : 0;
                    }
                }
                if (kind == FactTask.Kind.REASONING) {
                    for (int c : orders) {
                        assertTrue(c > samples / 3 - 60 && c < samples / 3 + 60, "pick-up position counts " + Arrays.toString(orders));
                    }
                    assertTrue(holderFirst > samples / 2 - 60 && holderFirst < samples / 2 + 60, "holder is the first mover " + holderFirst);
                }
            }
        }
    }

    @Test
    void pythonSamplesFollowTheSameRules() throws IOException {
        List<String> lines = Files.readAllLines(PYTHON);
        int[] orders = new int[3];
        int holderFirst = 0;
        int reasoning = 0;
        int checked = 0;
        for (String line : lines) {
            if (line.startsWith("#")) {
                continue;
            }
            String[] f = line.trim().split(" ");
            FactTask.Kind kind = FactTask.Kind.fromName(f[0]);
            int answer = Integer.parseInt(f[1]);
            int[] t = new int[f.length - 2];
            for (int i = 0; i < t.length; i++) {
                t[i] = Integer.parseInt(f[i + 2]);
            }
            Parsed p = solve(kind, t);
            assertEquals(answer, p.answer, line);
            if (kind == FactTask.Kind.MEMORIZE) {
                assertTrue(t[0] < FactTask.NOISE0, "memorize: the fact opens the stream");
            }
            if (kind == FactTask.Kind.REASONING) {
                reasoning++;
                orders[p.order.indexOf('G')]++;
                holderFirst += p.holderFirstPerson ? 1 : 0;
            }
            checked++;
        }
        assertEquals(900, checked);
        for (int c : orders) {
            assertTrue(c > reasoning / 3 - 50 && c < reasoning / 3 + 50, "pick-up position counts " + Arrays.toString(orders));
        }
        assertTrue(holderFirst > reasoning / 2 - 50 && holderFirst < reasoning / 2 + 50, "holder is the first mover " + holderFirst);
    }
}
