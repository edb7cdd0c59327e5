package dev.keymem.operators;

/** Why a token record cannot be advanced; shared by the per-record and the batched operator. */
final class RecordValidator {

    private final int maxTokens;
    private final int vocabSize;

    RecordValidator(int maxTokens, int vocabSize) {
        this.maxTokens = maxTokens;
        this.vocabSize = vocabSize;
    }

    /** The maximum record length option, checked. */
    static int maxTokens(org.apache.flink.configuration.ReadableConfig options) {
        int n = options.get(MemoryOperatorOptions.MAX_TOKENS_PER_RECORD);
        if (n <= 0) {
            throw new IllegalArgumentException(
                    MemoryOperatorOptions.MAX_TOKENS_PER_RECORD.key() + " must be positive: " + n);
        }
        return n;
    }

    /** The reason {@code r} is refused, or null when it can be advanced. */
    String problem(TokenRecord r) {
        if (r == null || r.tokenIds == null) {
            return "no token ids";
        }
        int n = r.tokenIds.length;
        if (n == 0) {
            return "empty record (0 tokens)";
        }
        if (n > maxTokens) {
            return n + " tokens exceed " + MemoryOperatorOptions.MAX_TOKENS_PER_RECORD.key() + "=" + maxTokens;
        }
        for (int i = 0; i < n; i++) {
            int id = r.tokenIds[i];
            if (id < 0 || id >= vocabSize) {
                return "token id " + id + " at index " + i + " is outside the vocabulary [0, " + vocabSize + ")";
            }
        }
        return null;
    }

    /** Tokens of a refused record for its dead letter (-1 when it had none at all). */
    static int tokens(TokenRecord r) {
        return r == null || r.tokenIds == null ? -1 : r.tokenIds.length;
    }
}
