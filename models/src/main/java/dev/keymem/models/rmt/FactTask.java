package dev.keymem.models.rmt;

import java.util.SplittableRandom;

/**
 * The fact tasks of {@code training/keymem_train/tasks.py}, generated in Java for evaluation at any
 * length without materialising the stream (same vocabulary and distribution; its own random numbers).
 * Vocabulary: 0 pad, 1 cls, 2 sep, 3 question, 4 "picked up", names 5-8, actions 9-13, places 14-19,
 * objects 20-23, noise from 24. A stream of {@code length} tokens is noise with the facts placed in it
 * and ends with the question {@code Q <name>} ({@code Q <object>} for reasoning); the answer is the
 * place, predicted at the last token.
 */
public final class FactTask {

    public static final int Q = 3;
    public static final int GRAB = 4;
    public static final int NAME0 = 5;
    public static final int ACTION0 = 9;
    public static final int PLACE0 = 14;
    public static final int OBJECT0 = 20;
    public static final int NOISE0 = 24;

    /** The three tasks of the RMT paper. */
    public enum Kind {
        MEMORIZE("memorize"), DETECT_MEMORIZE("detect_memorize"), REASONING("reasoning");

        private final String configName;

        Kind(String configName) {
            this.configName = configName;
        }

        public String configName() {
            return configName;
        }

        public static Kind fromName(String name) {
            for (Kind k : values()) {
                if (k.configName.equals(name)) {
                    return k;
                }
            }
            throw new IllegalArgumentException("unknown fact task '" + name + "', expected memorize, detect_memorize or reasoning");
        }
    }

    /** One sample: the fact tokens at their positions, and the answer. */
    public static final class Sample {
        final long length;
        final long[] factPos;
        final int[][] facts;
        final int[] question;
        public final int answer;
        private final SplittableRandom noise;
        private final int noiseSize;

        Sample(long length, long[] factPos, int[][] facts, int[] question, int answer, SplittableRandom noise,
               int noiseSize) {
            this.length = length;
            this.factPos = factPos;
            this.facts = facts;
            this.question = question;
            this.answer = answer;
            this.noise = noise;
            this.noiseSize = noiseSize;
        }

        /** Fills {@code out[0, n)} with the tokens at positions {@code [from, from + n)}; call in order. */
        public void tokens(long from, int[] out, int n) {
            for (int i = 0; i < n; i++) {
                out[i] = NOISE0 + noise.nextInt(noiseSize);
            }
            for (int f = 0; f < facts.length; f++) {
                for (int j = 0; j < 3; j++) {
                    long p = factPos[f] + j;
                    if (p >= from && p < from + n) {
                        out[(int) (p - from)] = facts[f][j];
                    }
                }
            }
            for (int j = 0; j < 2; j++) {
                long p = length - 2 + j;
                if (p >= from && p < from + n) {
                    out[(int) (p - from)] = question[j];
                }
            }
        }
    }

    private FactTask() {
    }

    /** A sample of {@code length} (>= 12) tokens, drawn from {@code r}. */
    public static Sample sample(Kind kind, long length, int noiseSize, SplittableRandom r) {
        if (length < 12) {
            throw new IllegalArgumentException("a fact task needs at least 12 tokens, got " + length);
        }
        long room = length - 2;
        switch (kind) {
            case MEMORIZE, DETECT_MEMORIZE -> {
                int n = NAME0 + r.nextInt(4);
                int a = ACTION0 + r.nextInt(5);
                int p = PLACE0 + r.nextInt(6);
                long pos = kind == Kind.MEMORIZE ? 0 : r.nextLong(room - 3 + 1);
                return new Sample(length, new long[] {pos}, new int[][] {{n, a, p}}, new int[] {Q, n}, p,
                        r.split(), noiseSize);
            }
            case REASONING -> {
                int n1 = NAME0 + r.nextInt(4);
                int n2;
                do {
                    n2 = NAME0 + r.nextInt(4);
                } while (n2 == n1);
                int p1 = PLACE0 + r.nextInt(6);
                int p2;
                do {
                    p2 = PLACE0 + r.nextInt(6);
                } while (p2 == p1);
                int o = OBJECT0 + r.nextInt(4);
                boolean first = r.nextBoolean();
                int[][] facts = {{n1, ACTION0 + r.nextInt(5), p1}, {n2, ACTION0 + r.nextInt(5), p2},
                        {first ? n1 : n2, GRAB, o}};
                long[] pos = new long[3];
                while (true) {
                    for (int i = 0; i < 3; i++) {
                        pos[i] = r.nextLong(room - 3 + 1);
                    }
                    long[] s = pos.clone();
                    java.util.Arrays.sort(s);
                    if (s[1] - s[0] >= 3 && s[2] - s[1] >= 3) {
                        break;
                    }
                }
                return new Sample(length, pos, facts, new int[] {Q, o}, first ? p1 : p2, r.split(), noiseSize);
            }
            default -> throw new AssertionError(kind);
        }
    }
}
