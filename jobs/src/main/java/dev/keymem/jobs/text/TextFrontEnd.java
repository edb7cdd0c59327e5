package dev.keymem.jobs.text;

import java.io.Serializable;
import java.util.List;
import java.util.Objects;

/**
 * Mask, tokenize, embed: turns raw log lines (or any text) into what a memory operator consumes.
 *
 * <pre>{@code
 * TextFrontEnd fe = TextFrontEnd.builder().dimension(64).build();   // cl100k_base, hashing embedder
 * float[][] x = fe.embedLines(lines);                                // [T, d], one row per line
 * int[] ids = fe.tokenIds(line);                                     // the masked line's tokens
 * }</pre>
 * Masking can be switched off for free text (user events). A line whose template has more tokens than
 * the limit is cut to the limit (by default: a stack trace is the line a summary most needs, so it must
 * reach the memory; {@link Encoded#truncated} says so, and the template and embedding are those of the
 * tokens kept), or, with {@link Builder#rejectOverLimit(boolean)}, raises {@link TokenLimitException};
 * {@link #embedLines} then names the offending line's index. Serializable, for use inside Flink functions.
 */
public final class TextFrontEnd implements Serializable {
    private static final long serialVersionUID = 1L;

    private final LineMasker masker;
    private final Tokenizer tokenizer;
    private final LineEmbedder embedder;
    private final boolean rejectOverLimit;

    private TextFrontEnd(Builder b) {
        this.rejectOverLimit = b.rejectOverLimit;
        this.masker = b.mask ? new LineMasker() : null;
        this.tokenizer = new Tokenizer(b.encoding, b.maxTokens);
        this.embedder = b.embedder != null ? b.embedder : new HashingEmbedder(b.dimension);
    }

    /** Defaults: masking on, cl100k_base, at most 512 tokens a line, a 64-d hashing embedder. */
    public static Builder builder() {
        return new Builder();
    }

    /** The template of {@code line} (the line itself, stripped, when masking is off). */
    public String template(String line) {
        if (line == null) {
            throw new IllegalArgumentException("cannot process a null line");
        }
        return masker != null ? masker.mask(line) : line.strip();
    }

    /** The token ids of the line's template (cut to the limit unless the front end rejects such lines). */
    public int[] tokenIds(String line) {
        return encode(line).tokenIds;
    }

    /** The embedding of one line, length {@link #dimension()}. */
    public float[] embedLine(String line) {
        return encode(line).vector;
    }

    /**
     * Longest prefix of a line (in chars) masked and tokenized when over-limit lines are cut: 8 chars per token
     * of the limit, at least 4096. The memory sees at most the limit's tokens of a line anyway, and the masker's
     * regular expressions must not meet a 64 KiB line built to be slow (or deep) for them.
     */
    int prefixChars() {
        return Math.max(4096, 8 * tokenizer.maxTokens());
    }

    /** Template, token ids and embedding of one line. */
    public Encoded encode(String line) {
        return encode(line, false);
    }

    /**
     * {@link #encode(String)} of a masked message of the log miner (its {@code LineTokens} form, header cut or not):
     * the same {@link Encoded}, without running the masker again where it leaves the message as it is. Such a
     * message is mostly a fixed point of the masker, but not always (a header cut can take away the HTTP method
     * before a route, which then masks as a path; the miner's identifier mask the word before a {@code ::}, which
     * then masks as IPv6): so the masker still runs where one of the rules that can match again may match
     * ({@link LineMasker#mayChangeMasked}; {@code LogSummarizerMaskTest} checks the rest are fixed points on real,
     * sample and generated lines: a contrived message can still differ, see there), and on a message over the prefix that is cut ({@link #prefixChars()}): the cut
     * can leave a piece of a word that masks on its own ({@code a1b2c3d4e5z} cut to {@code a1b2c3d4e5}, a hex run).
     * Internal: for the log summarizer.
     */
    @org.apache.flink.annotation.Internal
    public Encoded encodeMasked(String text) {
        return encode(text, masker != null);
    }

    /**
     * {@code encodeMasked(text).vector}, the same array's values: for a caller that reads the vector alone (the log
     * summarizer). Where the embedder is the {@link HashingEmbedder}, which reads the ids alone, the text of a cut
     * template's kept tokens is not made (a copy of some 2 KB on a long stack trace).
     * Internal: for the log summarizer.
     */
    @org.apache.flink.annotation.Internal
    public float[] vectorOfMasked(String text) {
        return encode(text, masker != null, !(embedder instanceof HashingEmbedder)).vector;
    }

    /** {@link #encode(String)}; {@code masked}: the line is a masked message of the log miner ({@link #encodeMasked}). */
    private Encoded encode(String line, boolean masked) {
        return encode(line, masked, true);
    }

    /**
     * {@link #encode(String, boolean)}; {@code withTemplate} false: a cut line's {@link Encoded#template} is left null
     * (ids, vector and flag as ever), for a caller that reads no template and an embedder that reads none.
     */
    private Encoded encode(String line, boolean masked, boolean withTemplate) {
        if (line == null) {
            throw new IllegalArgumentException("cannot process a null line");
        }
        boolean prefixOnly = false;
        if (!rejectOverLimit && line.length() > prefixChars()) {
            int end = prefixChars();
            if (Character.isHighSurrogate(line.charAt(end - 1))) {
                end--;
            }
            line = line.substring(0, end);
            prefixOnly = true;
        }
        String t;
        try {
            t = masked && !prefixOnly && !LineMasker.mayChangeMasked(line) ? line.strip() : template(line);
        } catch (StackOverflowError e) {
            if (rejectOverLimit) {
                throw e;
            }
            // a regular expression recursed too deep on this line: use it unmasked
            t = line.strip();
        }
        if (rejectOverLimit) {
            int[] ids = tokenizer.encode(t);
            return new Encoded(t, ids, embedder.embed(t, ids), false);
        }
        String[] kept = withTemplate ? new String[1] : null;
        Tokenizer.Cut cut = tokenizer.encodeCut(t, kept);
        if (cut.truncated() && !withTemplate) {
            t = null;
        } else if (cut.truncated()) {
            // the template of the tokens kept, so that a model embedding text sees the same cut
            t = kept[0] != null ? kept[0] : tokenizer.decode(cut.ids());
        }
        return new Encoded(t, cut.ids(), embedder.embed(t, cut.ids()), cut.truncated() || prefixOnly);
    }

    /**
     * The embeddings of {@code lines} as a [T, d] array (row i is line i).
     *
     * @throws TokenLimitException naming the index of the first line over the token limit
     */
    public float[][] embedLines(List<String> lines) {
        Objects.requireNonNull(lines, "lines");
        float[][] out = new float[lines.size()][];
        for (int i = 0; i < out.length; i++) {
            try {
                out[i] = embedLine(lines.get(i));
            } catch (TokenLimitException e) {
                throw new TokenLimitException("line " + i + ": " + e.getMessage(), e.limit());
            }
        }
        return out;
    }

    /** The embedding size d. */
    public int dimension() {
        return embedder.dimension();
    }

    /** The tokenizer. */
    public Tokenizer tokenizer() {
        return tokenizer;
    }

    /** The embedder. */
    public LineEmbedder embedder() {
        return embedder;
    }

    /** Whether lines are masked. */
    public boolean masking() {
        return masker != null;
    }

    /** One processed line. */
    public static final class Encoded implements Serializable {
        private static final long serialVersionUID = 1L;
        /** The masked line. */
        public final String template;
        /** Its token ids. */
        public final int[] tokenIds;
        /** Its embedding. */
        public final float[] vector;
        /** Whether the template was cut to the token limit (template, ids and vector are of the part kept). */
        public final boolean truncated;

        Encoded(String template, int[] tokenIds, float[] vector, boolean truncated) {
            this.template = template;
            this.tokenIds = tokenIds;
            this.vector = vector;
            this.truncated = truncated;
        }
    }

    /** Settings for {@link TextFrontEnd}. */
    public static final class Builder {
        private boolean mask = true;
        private String encoding = Tokenizer.DEFAULT_ENCODING;
        private int maxTokens = 512;
        private int dimension = 64;
        private LineEmbedder embedder;
        private boolean rejectOverLimit;

        private Builder() {
        }

        /**
         * Whether a line over the token limit raises {@link TokenLimitException} (true) or is cut to the
         * limit (false, the default).
         */
        public Builder rejectOverLimit(boolean reject) {
            this.rejectOverLimit = reject;
            return this;
        }

        /** Mask variable fields first (default true). */
        public Builder masking(boolean mask) {
            this.mask = mask;
            return this;
        }

        /** jtokkit encoding name (default cl100k_base). */
        public Builder encoding(String encoding) {
            Tokenizer.encodingType(encoding);
            this.encoding = encoding;
            return this;
        }

        /** Most tokens a line may have (default 512). */
        public Builder maxTokensPerLine(int maxTokens) {
            if (maxTokens < 1) {
                throw new IllegalArgumentException("maxTokensPerLine must be >= 1, got " + maxTokens);
            }
            this.maxTokens = maxTokens;
            return this;
        }

        /** Dimension of the default hashing embedder (default 64); ignored when an embedder is given. */
        public Builder dimension(int dimension) {
            if (dimension < 1) {
                throw new IllegalArgumentException("dimension must be >= 1, got " + dimension);
            }
            this.dimension = dimension;
            return this;
        }

        /** Another embedder (e.g. a sentence model) instead of the hashing one. */
        public Builder embedder(LineEmbedder embedder) {
            this.embedder = Objects.requireNonNull(embedder, "embedder");
            return this;
        }

        /** The front end. */
        public TextFrontEnd build() {
            return new TextFrontEnd(this);
        }
    }
}
