package dev.keymem.bench;

import dev.keymem.models.backend.Backends;
import dev.keymem.models.backend.ScalarBackend;
import dev.keymem.models.backend.TensorBackend;
import dev.keymem.models.cells.CellKind;
import dev.keymem.models.cells.CellSpec;
import dev.keymem.models.cells.Cells;
import dev.keymem.models.cells.TokenChunk;
import dev.keymem.models.retention.InMemoryArchiveStore;
import dev.keymem.models.retention.RetentionSettings;
import dev.keymem.models.retention.RetentionState;
import dev.keymem.models.retention.TieredRetention;
import dev.keymem.models.testing.RandomInputs;

/**
 * A quick timing loop (not a test): tokens/s of {@link TieredRetention#forwardReference} and of the fast
 * {@link TieredRetention#forward} (scalar and default Java backends) at H=4, K=V=64, default settings
 * plus an archive, one key, chunks of {@code args[0]} tokens (default 256). Run: {@code java --add-modules
 * jdk.incubator.vector -cp benchmarks/target/benchmarks.jar dev.keymem.bench.RetentionFormsTiming [chunk]}.
 */
public final class RetentionFormsTiming {
    private RetentionFormsTiming() {
    }

    public static void main(String[] args) {
        int chunkLen = args.length > 0 ? Integer.parseInt(args[0]) : 256;
        int tokens = 8192;
        CellSpec spec = CellSpec.of(CellKind.GATED_DELTA, 4, 64, 64, 64);
        RetentionSettings s = RetentionSettings.defaults(64).withArchive(256, 8);
        TokenChunk stream = RandomInputs.chunk(spec, tokens, 1);
        for (int round = 0; round < 3; round++) {
            time("reference", new TieredRetention(Cells.chunked(spec, Backends.java()), s), true, stream, chunkLen);
            for (TensorBackend b : new TensorBackend[] {ScalarBackend.INSTANCE, Backends.java()}) {
                time("fast/" + b.name(), new TieredRetention(Cells.chunked(spec, Backends.java()), s, b), false, stream,
                        chunkLen);
            }
        }
    }

    private static void time(String name, TieredRetention m, boolean reference, TokenChunk stream, int chunkLen) {
        RetentionState st = m.newState(7L);
        InMemoryArchiveStore ar = new InMemoryArchiveStore();
        float[] out = new float[chunkLen * 4 * 64];
        long t0 = System.nanoTime();
        for (int p = 0; p < stream.length(); p += chunkLen) {
            TokenChunk c = stream.slice(p, Math.min(stream.length(), p + chunkLen));
            if (reference) {
                m.forwardReference(st, ar, c, out);
            } else {
                m.forward(st, ar, c, out);
            }
        }
        double sec = (System.nanoTime() - t0) / 1e9;
        System.out.printf(java.util.Locale.ROOT, "%-14s chunk %4d: %9.0f tokens/s%n", name, chunkLen,
                stream.length() / sec);
    }
}
