package dev.keymem.jobs.text;

/** Small vector helpers shared by the jobs: L2 normalisation and cosine similarity (in double). */
public final class Vectors {

    private Vectors() {
    }

    /** A copy of {@code v} scaled to unit L2 norm (the zero vector stays zero). */
    public static float[] normalized(float[] v) {
        double n = 0;
        for (float f : v) {
            n += (double) f * f;
        }
        float[] r = v.clone();
        if (n > 0) {
            float s = (float) (1 / Math.sqrt(n));
            for (int i = 0; i < r.length; i++) {
                r[i] *= s;
            }
        }
        return r;
    }

    /** Cosine similarity; 0 when either vector is zero. */
    public static double cosine(float[] a, float[] b) {
        double dot = 0;
        double na = 0;
        double nb = 0;
        for (int i = 0; i < a.length; i++) {
            dot += (double) a[i] * b[i];
            na += (double) a[i] * a[i];
            nb += (double) b[i] * b[i];
        }
        return na == 0 || nb == 0 ? 0 : dot / Math.sqrt(na * nb);
    }
}
