package dev.keymem.nd4j;

import dev.keymem.models.backend.TensorBackend;
import dev.keymem.models.backend.TensorBackendProvider;

/**
 * Registers the ND4J backend under the name "nd4j" for {@link dev.keymem.models.backend.Backends#byName}.
 * The system property {@code keymem.nd4j.threads}, when set, fixes the BLAS/op thread count.
 */
public final class Nd4jBackendProvider implements TensorBackendProvider {

    @Override
    public String name() {
        return "nd4j";
    }

    @Override
    public TensorBackend create() {
        Nd4jBackend backend = new Nd4jBackend();
        String threads = System.getProperty("keymem.nd4j.threads");
        if (threads != null) {
            Nd4jBackend.setThreads(Integer.parseInt(threads.trim()));
        }
        return backend;
    }
}
