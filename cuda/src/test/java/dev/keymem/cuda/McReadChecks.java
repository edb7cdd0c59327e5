package dev.keymem.cuda;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keymem.models.backend.Backends;
import dev.keymem.models.caching.CacheRead;
import dev.keymem.models.caching.CacheReader;
import dev.keymem.models.caching.CacheStore;
import dev.keymem.models.caching.CachingSettings;
import dev.keymem.models.caching.CachingState;
import dev.keymem.models.caching.InMemoryCacheStore;
import dev.keymem.models.caching.MemoryCaching;
import dev.keymem.models.cells.BatchAdvancer;
import dev.keymem.models.cells.CellSpec;
import dev.keymem.models.cells.CellState;
import dev.keymem.models.cells.Cells;
import dev.keymem.models.cells.MemoryCell;
import dev.keymem.models.cells.TokenChunk;
import dev.keymem.models.testing.Float64Reference;
import dev.keymem.models.testing.McFloat64Reference;
import dev.keymem.models.testing.RandomInputs;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * Checks of {@link CudaCacheReader} shared by the emulated (CI) and the GPU tests: Memory Caching
 * driven through {@code MemoryCaching.forward(BatchAdvancer, CacheReader, items)} for many keys and
 * several rounds with the device reader, against the same run with the CPU reader
 * ({@link CacheReader#of}) and against the float64 oracle ({@link McFloat64Reference}), key by key.
 */
final class McReadChecks {

    private McReadChecks() {
    }

    /** A key: compared by value, so equal-valued owners are the same key (as Flink keys are). */
    record Owner(String name) {
    }

    /**
     * Counts reads, non-empty calls and the store loads made by the reader, and remembers every content
     * key a reader was asked for.
     */
    static final class Recording implements CacheReader {
        final CacheReader delegate;
        final Set<CacheRead.ContentKey> keys = new HashSet<>();
        long reads;
        long nonEmptyCalls;
        long loads;

        Recording(CacheReader delegate) {
            this.delegate = delegate;
        }

        @Override
        public String name() {
            return "recording:" + delegate.name();
        }

        @Override
        public void read(List<CacheRead> list) {
            for (CacheRead r : list) {
                if (r.owner() != null) {
                    keys.add(r.contentKey());
                }
            }
            reads += list.size();
            nonEmptyCalls += list.isEmpty() ? 0 : 1;
            List<CacheRead> counted = new ArrayList<>(list.size());
            for (CacheRead r : list) {
                CacheStore store = r.store();
                CacheStore counting = new CacheStore() {
                    @Override
                    public CellState load(long id) {
                        loads++;
                        return store.load(id);
                    }

                    @Override
                    public void store(long id, CellState state) {
                        throw new UnsupportedOperationException("a reader only loads");
                    }

                    @Override
                    public void remove(long id) {
                        throw new UnsupportedOperationException("a reader only loads");
                    }
                };
                counted.add(new CacheRead(r.owner(), r.cache(), counting, r.q(), r.rows(), r.out()));
            }
            delegate.read(counted);
        }

        @Override
        public void forget(Object owner) {
            delegate.forget(owner);
        }
    }

    /** One key of a run, on both paths and in the oracle. */
    static final class Key {
        final Owner owner;
        CachingState dev;
        CachingState cpu;
        InMemoryCacheStore devStore = new InMemoryCacheStore();
        InMemoryCacheStore cpuStore = new InMemoryCacheStore();
        McFloat64Reference ref;

        Key(Owner owner, MemoryCaching mc, CachingSettings settings, CellSpec spec) {
            this.owner = owner;
            restart(mc, settings, spec);
        }

        /** The key starts afresh (its cache ids start again from 0). */
        void restart(MemoryCaching mc, CachingSettings settings, CellSpec spec) {
            dev = mc.newState();
            cpu = mc.newState();
            devStore = new InMemoryCacheStore();
            cpuStore = new InMemoryCacheStore();
            ref = new McFloat64Reference(settings, spec.kind(), spec.heads(), spec.keyDim(), spec.valueDim(),
                    spec.scale(), false);
        }
    }

    /** Worst errors of a run: device vs CPU reader, device vs float64, CPU vs float64. */
    record Errors(double vsCpu, double vsFloat64, double cpuVsFloat64) {
        Errors max(Errors o) {
            return new Errors(Math.max(vsCpu, o.vsCpu), Math.max(vsFloat64, o.vsFloat64),
                    Math.max(cpuVsFloat64, o.cpuVsFloat64));
        }
    }

    /** A batched Memory Caching driver over a device reader and the CPU reader side by side. */
    static final class Driver {
        final CellSpec spec;
        final CachingSettings settings;
        final MemoryCaching devMc;
        final MemoryCaching cpuMc;
        final MemoryCell devCell;
        final MemoryCell cpuCell;
        final CacheReader reader;
        final double tolCpu;
        final double tol64;
        final List<Key> keys = new ArrayList<>();
        Errors worst = new Errors(0, 0, 0);
        long tokens;

        Driver(CellSpec spec, CachingSettings settings, CacheReader reader, double tolCpu, double tol64) {
            this.spec = spec;
            this.settings = settings;
            this.devCell = Cells.chunked(spec, Backends.java());
            this.cpuCell = Cells.chunked(spec, Backends.java());
            this.devMc = new MemoryCaching(devCell, settings);
            this.cpuMc = new MemoryCaching(cpuCell, settings);
            this.reader = reader;
            this.tolCpu = tolCpu;
            this.tol64 = tol64;
        }

        Driver keys(int n, String prefix) {
            for (int i = 0; i < n; i++) {
                keys.add(new Key(new Owner(prefix + i), devMc, settings, spec));
            }
            return this;
        }

        /**
         * One round: every key whose length is positive takes a chunk of that many fresh random tokens;
         * one batched forward per path; every key's outputs are checked.
         */
        Errors round(int[] lengths, long seed) {
            int hv = spec.heads() * spec.valueDim();
            List<MemoryCaching.Item> dev = new ArrayList<>();
            List<MemoryCaching.Item> cpu = new ArrayList<>();
            List<Integer> who = new ArrayList<>();
            List<float[]> devOut = new ArrayList<>();
            List<float[]> cpuOut = new ArrayList<>();
            List<TokenChunk> chunks = new ArrayList<>();
            for (int i = 0; i < keys.size(); i++) {
                if (lengths[i] <= 0) {
                    continue;
                }
                Key k = keys.get(i);
                TokenChunk c = RandomInputs.chunk(spec, lengths[i], seed * 7919 + i);
                float[] od = ParityChecks.poisoned(lengths[i] * hv);
                float[] oc = new float[lengths[i] * hv];
                dev.add(new MemoryCaching.Item(k.owner, k.dev, k.devStore, c, null, null, od));
                cpu.add(new MemoryCaching.Item(k.owner, k.cpu, k.cpuStore, c, null, null, oc));
                who.add(i);
                devOut.add(od);
                cpuOut.add(oc);
                chunks.add(c);
                tokens += lengths[i];
            }
            devMc.forward(BatchAdvancer.of(devCell), reader, dev);
            cpuMc.forward(BatchAdvancer.of(cpuCell), CacheReader.of(cpuCell), cpu);
            Errors e = new Errors(0, 0, 0);
            for (int x = 0; x < who.size(); x++) {
                Key k = keys.get(who.get(x));
                TokenChunk c = chunks.get(x);
                double[] ref = k.ref.run(c.length(), c.q(), c.k(), c.v(), c.beta(), c.g(), null, null);
                double vsCpu = Float64Reference.relError(devOut.get(x), cpuOut.get(x));
                double vs64 = Float64Reference.relError(devOut.get(x), ref);
                double cpu64 = Float64Reference.relError(cpuOut.get(x), ref);
                String where = reader.name() + " " + settings.read() + " " + spec.kind().configName() + " key "
                        + k.owner.name() + " (" + c.length() + " tokens, " + k.dev.caches().size() + " caches)";
                assertTrue(vsCpu <= tolCpu, () -> where + ": device reads vs CPU reads " + vsCpu + " > " + tolCpu);
                assertTrue(vs64 <= tol64, () -> where + ": device reads vs float64 " + vs64 + " > " + tol64);
                e = e.max(new Errors(vsCpu, vs64, cpu64));
            }
            worst = worst.max(e);
            return e;
        }

        /** {@code rounds} rounds of random lengths 0..maxChunk per key (0: the key sits the round out). */
        Errors rounds(int rounds, int maxChunk, long seed) {
            SplittableRandom r = new SplittableRandom(seed);
            for (int i = 0; i < rounds; i++) {
                int[] lengths = new int[keys.size()];
                for (int k = 0; k < lengths.length; k++) {
                    lengths[k] = r.nextInt(4) == 0 ? 0 : 1 + r.nextInt(maxChunk);
                }
                round(lengths, seed * 31 + i);
            }
            return worst;
        }
    }

    /** A cached state of random values (a frozen matrix state [H,K,V]). */
    static CellState randomState(CellSpec spec, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] s = new float[spec.heads() * spec.keyDim() * spec.valueDim()];
        for (int i = 0; i < s.length; i++) {
            s[i] = (float) r.nextGaussian();
        }
        return new CellState(s, 0);
    }

    static float[] gaussian(int n, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = (float) r.nextGaussian();
        }
        return a;
    }

    /** out[t,h,:] = (scale q[t,h,:]) S_h in float64. */
    static double[] float64Read(CellSpec spec, float[] s, float[] q, int rows) {
        int h = spec.heads();
        int kd = spec.keyDim();
        int vd = spec.valueDim();
        double[] out = new double[rows * h * vd];
        for (int t = 0; t < rows; t++) {
            for (int hh = 0; hh < h; hh++) {
                for (int j = 0; j < vd; j++) {
                    double acc = 0;
                    for (int i = 0; i < kd; i++) {
                        acc += (double) spec.scale() * q[(t * h + hh) * kd + i] * s[(hh * kd + i) * vd + j];
                    }
                    out[(t * h + hh) * vd + j] = acc;
                }
            }
        }
        return out;
    }
}
