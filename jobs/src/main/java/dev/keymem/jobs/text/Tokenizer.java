package dev.keymem.jobs.text;

import java.io.Serializable;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;

import com.knuddels.jtokkit.Encodings;
import com.knuddels.jtokkit.api.Encoding;
import com.knuddels.jtokkit.api.EncodingRegistry;
import com.knuddels.jtokkit.api.EncodingResult;
import com.knuddels.jtokkit.api.EncodingType;
import com.knuddels.jtokkit.api.IntArrayList;

/**
 * Byte-pair tokenizer over jtokkit's bundled encodings (offline): {@code cl100k_base} by default, or
 * {@code r50k_base}, {@code p50k_base}, {@code p50k_edit}, {@code o200k_base}.
 *
 * <p>Text is encoded as ordinary text: special-token strings such as {@code <|endoftext|>} in a log
 * line are tokenized like any other characters, never as control tokens. A text over
 * {@link #maxTokens()} tokens is rejected with a {@link TokenLimitException} naming the count and the
 * limit. Serializable (the encoding is loaded lazily after deserialization), so it can live in a Flink
 * function. Encoding is a pure function of the text, so the ids of the last few thousand short texts
 * are remembered (log templates repeat); each call returns its own array. Thread-safe.
 *
 * <p>{@code cl100k_base} runs on {@link Cl100kBpe}, which gives jtokkit's ids from jtokkit's ranks file with a
 * set-up a fraction of jtokkit's own (0.1 CPU s of every log run's start); {@code -Dkeymem.tokenizer.jtokkit=true}
 * puts it on jtokkit's encoder instead. The other encodings always run on jtokkit's.
 */
public final class Tokenizer implements Serializable {
    private static final long serialVersionUID = 1L;

    /** The default encoding name. */
    public static final String DEFAULT_ENCODING = "cl100k_base";

    private static volatile EncodingRegistry registry;

    /** Whether cl100k_base runs on jtokkit's encoder rather than {@link Cl100kBpe} (same ids; benchmarks, tests). */
    static final boolean JTOKKIT_CL100K = Boolean.getBoolean("keymem.tokenizer.jtokkit");

    private final String encodingName;
    private final int maxTokens;
    private transient Encoding encoding;
    /** Guarded by this; created lazily (also after deserialization). */
    private transient Map<String, int[]> cache;

    /** Texts of at most this many chars are remembered, up to {@link #CACHE_ENTRIES} of them. */
    static final int CACHE_MAX_CHARS = 1024;
    static final int CACHE_ENTRIES = 4096;

    /** A tokenizer for {@code encodingName} that rejects texts of more than {@code maxTokens} tokens. */
    public Tokenizer(String encodingName, int maxTokens) {
        if (maxTokens < 1) {
            throw new IllegalArgumentException("maxTokens must be >= 1, got " + maxTokens);
        }
        this.encodingName = encodingType(encodingName).getName();
        this.maxTokens = maxTokens;
    }

    /** {@code cl100k_base} with a limit of {@code maxTokens}. */
    public static Tokenizer cl100k(int maxTokens) {
        return new Tokenizer(DEFAULT_ENCODING, maxTokens);
    }

    /** The encoding name. */
    public String encodingName() {
        return encodingName;
    }

    /** The largest accepted token count. */
    public int maxTokens() {
        return maxTokens;
    }

    /**
     * The token ids of {@code text}.
     *
     * @throws TokenLimitException if {@code text} has more than {@link #maxTokens()} tokens
     */
    public int[] encode(String text) {
        if (text == null) {
            throw new IllegalArgumentException("cannot tokenize a null text");
        }
        if (text.length() > CACHE_MAX_CHARS) {
            return encodeUncached(text);
        }
        int[] hit;
        synchronized (this) {
            hit = cache().get(text);
        }
        if (hit == null) {
            hit = encodeUncached(text);
            synchronized (this) {
                cache().put(text, hit);
            }
        }
        return hit.clone();
    }

    /**
     * The token ids of {@code text}, cut to the first {@link #maxTokens()} when it has more (never throws
     * on length; jtokkit cuts at a token boundary and drops a token that would split a character).
     * {@link #encode} gives the same ids for a text within the limit.
     */
    public Cut encodeCut(String text) {
        return encodeCut(text, null);
    }

    /**
     * {@link #encodeCut(String)}; where the text was cut and {@code keptText} is not null, {@code keptText[0]}
     * receives the text of the ids kept ({@link #decode} of them; null where it is not at hand). One limited
     * encoding of the text: a text over the limit is not encoded a second time after the first found it too long.
     */
    Cut encodeCut(String text, String[] keptText) {
        if (text == null) {
            throw new IllegalArgumentException("cannot tokenize a null text");
        }
        boolean cacheable = text.length() <= CACHE_MAX_CHARS;
        if (cacheable) {
            int[] hit;
            synchronized (this) {
                hit = cache().get(text);
            }
            if (hit != null) {
                return new Cut(hit.clone(), false);
            }
        }
        Cut cut = cutUncached(text, keptText);
        if (cut.truncated() || !cacheable) {
            return cut;
        }
        synchronized (this) {
            cache().put(text, cut.ids());
        }
        return new Cut(cut.ids().clone(), false);
    }

    /** {@link #encodeCut(String)} as it was: {@link #encode}, then a limited encoding where that threw (the reference). */
    Cut encodeCutReference(String text) {
        try {
            return new Cut(encode(text), false);
        } catch (TokenLimitException e) {
            Cl100kBpe bpe = bpe();
            return new Cut(bpe != null ? bpe.encode(text, maxTokens).ids()
                    : encoding().encodeOrdinary(text, maxTokens).getTokens().toArray(), true);
        }
    }

    /** Token ids of a text, and whether the text was cut to the limit to get them. */
    public record Cut(int[] ids, boolean truncated) {
    }

    /** The recently encoded texts (log templates repeat): text to ids, least recently used dropped first. */
    private Map<String, int[]> cache() {
        Map<String, int[]> c = cache;
        if (c == null) {
            c = new LinkedHashMap<>(256, 0.75f, true) {
                @Override
                protected boolean removeEldestEntry(Map.Entry<String, int[]> eldest) {
                    return size() > CACHE_ENTRIES;
                }
            };
            cache = c;
        }
        return c;
    }

    private int[] encodeUncached(String text) {
        Cut cut = cutUncached(text, null);
        if (cut.truncated()) {
            throw new TokenLimitException("text has more than " + maxTokens + " tokens (" + encodingName
                    + "; limit maxTokens=" + maxTokens + "): '" + abbreviate(text) + "'", maxTokens);
        }
        return cut.ids();
    }

    /**
     * The ids of {@code text} cut to the limit, from one limited encoding (none where the text surely fits); where
     * cut and {@code keptText} is not null, {@code keptText[0]} receives the text of the ids kept (or null).
     */
    private Cut cutUncached(String text, String[] keptText) {
        Cl100kBpe bpe = bpe();
        if (bpe != null) {
            int window = prefixWindow(maxTokens);
            if (text.length() > window) {
                // a long text: its first chars are likely all the limit needs (null where they do not decide the cut)
                Cl100kBpe.Limited r = bpe.encodeAsciiPrefix(text, window, maxTokens, keptText != null);
                if (r != null) {
                    if (r.truncated() && keptText != null) {
                        keptText[0] = r.text();
                    }
                    return new Cut(r.ids(), r.truncated());
                }
            }
            byte[] ascii = Cl100kBpe.asciiBytes(text);
            if (ascii != null) {
                if (text.length() <= maxTokens) {
                    // n ASCII chars are n UTF-8 bytes and no surrogate, n <= limit: fitsSurely, without its scan of
                    // the chars; and the encoder starts from these bytes, not from a second conversion of the text
                    return new Cut(bpe.encodeAscii(ascii), false);
                }
                // the reference's limited encoding, from these bytes, its text kept found without a decoding
                Cl100kBpe.Limited r = bpe.encodeAscii(text, ascii, maxTokens, keptText != null);
                if (r.truncated() && keptText != null) {
                    keptText[0] = r.text();
                }
                return new Cut(r.ids(), r.truncated());
            }
        }
        return cutUncachedReference(text, keptText);
    }

    /**
     * How many chars of a text over it a cut first converts and encodes ({@link Cl100kBpe#encodeAsciiPrefix}):
     * {@link #WINDOW_CHARS_PER_TOKEN} a token of the limit and {@link #WINDOW_SLACK} more (a masked stack trace keeps
     * some 4.7 chars a token). Where the limit is not reached in them, the whole text's bytes are encoded on from the
     * last piece the window decided; where they are not all ASCII, the text is encoded whole as before: the window
     * decides the cost, never the ids.
     */
    static int prefixWindow(int maxTokens) {
        return (int) Math.min(Integer.MAX_VALUE, (long) WINDOW_CHARS_PER_TOKEN * maxTokens + WINDOW_SLACK);
    }

    static final int WINDOW_CHARS_PER_TOKEN = 5;
    static final int WINDOW_SLACK = 128;

    /** {@link #cutUncached} as it was (the reference: {@code TokenizerTest} compares the two). */
    Cut cutUncachedReference(String text, String[] keptText) {
        Cl100kBpe bpe = bpe();
        if (fitsSurely(text, maxTokens)) {
            // Same tokens as the limited call below, which also decodes them to check for a cut character.
            return new Cut(bpe != null ? bpe.encode(text) : encoding().encodeOrdinary(text).toArray(), false);
        }
        if (bpe != null) {
            Cl100kBpe.Limited r = bpe.encode(text, maxTokens);
            if (r.truncated() && keptText != null) {
                keptText[0] = r.text();
            }
            return new Cut(r.ids(), r.truncated());
        }
        EncodingResult r = encoding().encodeOrdinary(text, maxTokens);
        return new Cut(r.getTokens().toArray(), r.isTruncated());
    }

    /**
     * Whether {@code text} certainly has at most {@code limit} tokens: a token is at least one UTF-8 byte,
     * so a text of at most {@code limit} UTF-8 bytes fits. Texts with surrogates (which an unpaired one
     * would make not round-trip) take the checked path.
     */
    static boolean fitsSurely(String text, int limit) {
        int n = text.length();
        if (n > limit) {
            return false;
        }
        long bytes = 0;
        for (int i = 0; i < n; i++) {
            char c = text.charAt(i);
            if (c < 0x80) {
                bytes++;
            } else if (c < 0x800) {
                bytes += 2;
            } else if (Character.isSurrogate(c)) {
                return false;
            } else {
                bytes += 3;
            }
        }
        return bytes <= limit;
    }

    /** The number of tokens in {@code text} (no limit applied). */
    public int count(String text) {
        Cl100kBpe bpe = bpe();
        return bpe != null ? bpe.count(text) : encoding().countTokensOrdinary(text);
    }

    /** The text of {@code ids} (for display and tests). */
    public String decode(int[] ids) {
        Cl100kBpe bpe = bpe();
        if (bpe != null) {
            return bpe.decode(ids);
        }
        IntArrayList list = new IntArrayList(ids.length);
        for (int id : ids) {
            list.add(id);
        }
        return encoding().decode(list);
    }

    /** The cl100k_base encoder of this tokenizer, or null where jtokkit's encoder runs. */
    private Cl100kBpe bpe() {
        return !JTOKKIT_CL100K && DEFAULT_ENCODING.equals(encodingName) ? Cl100kBpe.get() : null;
    }

    private Encoding encoding() {
        Encoding e = encoding;
        if (e == null) {
            e = registry().getEncoding(encodingType(encodingName));
            encoding = e;
        }
        return e;
    }

    private static EncodingRegistry registry() {
        EncodingRegistry r = registry;
        if (r == null) {
            synchronized (Tokenizer.class) {
                r = registry;
                if (r == null) {
                    r = Encodings.newLazyEncodingRegistry();
                    registry = r;
                }
            }
        }
        return r;
    }

    static EncodingType encodingType(String name) {
        if (name == null) {
            throw new IllegalArgumentException("encoding name is null; one of " + names() + " expected");
        }
        return EncodingType.fromName(name.trim().toLowerCase(java.util.Locale.ROOT)).orElseThrow(() ->
                new IllegalArgumentException("unknown tokenizer encoding '" + name + "'; one of " + names() + " expected"));
    }

    private static String names() {
        return Arrays.stream(EncodingType.values()).map(EncodingType::getName).collect(Collectors.joining(", "));
    }

    private static String abbreviate(String s) {
        return s.length() <= 80 ? s : s.substring(0, 77) + "...";
    }
}
