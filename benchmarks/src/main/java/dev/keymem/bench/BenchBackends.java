package dev.keymem.bench;

import dev.keymem.models.backend.Backends;
import dev.keymem.models.backend.TensorBackend;

/** Backend lookup for the benchmarks: scalar, vector (needs the incubator module) or nd4j. */
final class BenchBackends {

    private BenchBackends() {
    }

    static TensorBackend byName(String name) {
        TensorBackend b = Backends.byName(name);
        if (!b.name().equals(name)) {
            throw new IllegalStateException("asked for backend " + name + " but got " + b.name());
        }
        return b;
    }
}
