package dev.keymem.models.backend;

/** A ServiceLoader hook for backends that live in other modules (ND4J). */
public interface TensorBackendProvider {
    String name();

    TensorBackend create();
}
