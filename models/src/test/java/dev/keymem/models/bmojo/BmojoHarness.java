package dev.keymem.models.bmojo;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keymem.models.bmojo.BmojoSettings.Admission;
import dev.keymem.models.cells.CellSpec;
import dev.keymem.models.cells.TokenChunk;
import dev.keymem.models.testing.BmojoFloat64Reference;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/** Shared helpers of the B'MOJO tests: runs over cuts, the oracle call, comparisons. */
final class BmojoHarness {

    private BmojoHarness() {
    }

    /** Outputs, innovations and events of a run over several calls, plus the final state and archive. */
    record Run(float[] out, float[] innovations, List<BmojoEvent> events, BmojoState state,
               InMemoryEideticArchive archive) {
    }

    static Run run(Bmojo model, TokenChunk all, int[] cuts, boolean fast) {
        BmojoState st = model.newState();
        InMemoryEideticArchive archive = new InMemoryEideticArchive();
        int H = all.heads();
        int V = all.valueDim();
        float[] out = new float[all.length() * H * V];
        float[] innov = new float[all.length() * H];
        List<BmojoEvent> events = new ArrayList<>();
        int from = 0;
        for (int i = 0; i <= cuts.length; i++) {
            int to = i < cuts.length ? cuts[i] : all.length();
            TokenChunk piece = all.slice(from, to);
            float[] o = new float[piece.length() * H * V];
            BmojoReport r = fast ? model.forward(st, archive, piece, o) : model.forwardReference(st, archive, piece, o);
            System.arraycopy(o, 0, out, from * H * V, o.length);
            System.arraycopy(r.innovations(), 0, innov, from * H, r.innovations().length);
            events.addAll(r.events());
            from = to;
        }
        return new Run(out, innov, events, st, archive);
    }

    static int[] oneChunk() {
        return new int[0];
    }

    /** Sorted distinct random cut points in (0, n), including some of length 1 pieces. */
    static int[] randomCuts(int n, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        List<Integer> cuts = new ArrayList<>();
        int at = 0;
        while (true) {
            int step = r.nextInt(4) == 0 ? 1 : 1 + r.nextInt(40);
            at += step;
            if (at >= n) {
                break;
            }
            cuts.add(at);
        }
        return cuts.stream().mapToInt(Integer::intValue).toArray();
    }

    static BmojoFloat64Reference.Setup setup(BmojoSettings s) {
        return new BmojoFloat64Reference.Setup(s.window(), s.capacity(),
                s.admission() == Admission.THRESHOLD ? s.threshold() : Double.NaN,
                s.admission() == Admission.TOP_M && s.eidetic() ? s.topM() : 0, s.blockLength(), s.retrieveK(),
                s.retrieveEvery(), s.archiveCap());
    }

    static BmojoFloat64Reference.Result oracle(CellSpec spec, TokenChunk c, BmojoSettings s) {
        return BmojoFloat64Reference.run(spec.kind(), c.length(), c.heads(), c.keyDim(), c.valueDim(), c.q(), c.k(),
                c.v(), c.beta(), c.g(), spec.scale(), spec.normalize(), setup(s));
    }

    static List<BmojoFloat64Reference.Event> asOracleEvents(List<BmojoEvent> events) {
        List<BmojoFloat64Reference.Event> l = new ArrayList<>();
        for (BmojoEvent e : events) {
            l.add(new BmojoFloat64Reference.Event(e.type().name(), e.step(), e.head(), e.position()));
        }
        return l;
    }

    /** max |a - b| / max |b|. */
    static double maxDiffRel(float[] a, double[] b) {
        double num = 0;
        double den = 0;
        for (int i = 0; i < b.length; i++) {
            num = Math.max(num, Math.abs(a[i] - b[i]));
            den = Math.max(den, Math.abs(b[i]));
        }
        return num / Math.max(den, 1e-30);
    }

    static double maxDiffRel(float[] a, float[] b) {
        double[] d = new double[b.length];
        for (int i = 0; i < b.length; i++) {
            d[i] = b[i];
        }
        return maxDiffRel(a, d);
    }

    /** A threshold in the middle of the widest gap of the sorted innovations between the 60th and 90th percentile. */
    static float thresholdInGap(double[] innovations) {
        double[] a = innovations.clone();
        Arrays.sort(a);
        int lo = (int) (0.6 * a.length);
        int hi = Math.max(lo + 1, (int) (0.9 * a.length));
        int best = lo;
        for (int i = lo; i < hi && i + 1 < a.length; i++) {
            if (a[i + 1] - a[i] > a[best + 1] - a[best]) {
                best = i;
            }
        }
        return (float) ((a[best] + a[best + 1]) / 2);
    }

    /** The oracle's decisions must not hinge on rounding for the comparison of event lists to be meaningful. */
    static void assertSeparated(BmojoFloat64Reference.Result r, String what) {
        assertTrue(r.minMargin() > 2e-5, what + ": an admission/eviction decision is within " + r.minMargin()
                + " of a tie, so float32 may decide it either way; choose another seed");
    }
}
