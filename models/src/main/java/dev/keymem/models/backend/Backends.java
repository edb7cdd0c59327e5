package dev.keymem.models.backend;

import java.util.Locale;

/**
 * Picks a tensor backend by name. "java" means the fastest pure-Java backend available: the Vector
 * API backend when the JVM was started with {@code --add-modules jdk.incubator.vector}, otherwise
 * the scalar one. Other backends (e.g. "nd4j") register through {@link java.util.ServiceLoader}
 * with {@link TensorBackendProvider}.
 */
public final class Backends {
    private static final String VECTOR_CLASS = "dev.keymem.models.backend.VectorBackend";

    private Backends() {
    }

    /** True when the jdk.incubator.vector module is in the boot layer. */
    public static boolean vectorApiAvailable() {
        return ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent();
    }

    /** The best pure-Java backend in this JVM. */
    public static TensorBackend java() {
        if (vectorApiAvailable()) {
            try {
                return (TensorBackend) Class.forName(VECTOR_CLASS).getField("INSTANCE").get(null);
            } catch (ReflectiveOperationException | LinkageError e) {
                return ScalarBackend.INSTANCE;
            }
        }
        return ScalarBackend.INSTANCE;
    }

    /** A backend by name: scalar, vector, java (best pure Java), or a registered provider's name. */
    public static TensorBackend byName(String name) {
        String n = name.toLowerCase(Locale.ROOT);
        switch (n) {
            case "scalar":
                return ScalarBackend.INSTANCE;
            case "java":
                return java();
            case "vector":
                TensorBackend b = java();
                if (!b.name().equals("vector")) {
                    throw new IllegalStateException(
                            "the vector backend needs the JVM flag --add-modules jdk.incubator.vector");
                }
                return b;
            default:
                for (TensorBackendProvider p : java.util.ServiceLoader.load(TensorBackendProvider.class)) {
                    if (p.name().equals(n)) {
                        return p.create();
                    }
                }
                throw new IllegalArgumentException("unknown tensor backend '" + name
                        + "', expected scalar, vector, java or a registered provider (e.g. nd4j)");
        }
    }

    /**
     * Validates the arguments of {@link TensorBackend#gemm}: non-negative sizes, leading dimensions at
     * least the stored row length, non-negative offsets and every addressed element inside its array.
     * Throws IllegalArgumentException naming the bad argument.
     */
    public static void checkGemm(boolean transA, boolean transB, int m, int n, int k,
                                 float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                                 float[] c, int cOff, int ldc) {
        if (m < 0 || n < 0 || k < 0) {
            throw new IllegalArgumentException("gemm sizes must be non-negative: m=" + m + " n=" + n + " k=" + k);
        }
        checkMatrix("A", a, aOff, lda, transA ? k : m, transA ? m : k);
        checkMatrix("B", b, bOff, ldb, transB ? n : k, transB ? k : n);
        checkMatrix("C", c, cOff, ldc, m, n);
    }

    private static void checkMatrix(String name, float[] x, int off, int ld, int rows, int cols) {
        if (ld < Math.max(1, cols)) {
            throw new IllegalArgumentException("gemm: leading dimension of " + name + " is " + ld
                    + ", must be at least " + Math.max(1, cols) + " (its stored row length)");
        }
        if (rows == 0 || cols == 0) {
            return;
        }
        if (x == null) {
            throw new IllegalArgumentException("gemm: matrix " + name + " is null");
        }
        long last = (long) off + (long) (rows - 1) * ld + cols - 1;
        if (off < 0 || last >= x.length) {
            throw new IllegalArgumentException("gemm: matrix " + name + " (" + rows + " x " + cols + ", offset " + off
                    + ", leading dimension " + ld + ") does not fit in an array of " + x.length + " floats");
        }
    }
}
