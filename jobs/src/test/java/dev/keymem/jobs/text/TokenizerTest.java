package dev.keymem.jobs.text;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.util.Arrays;
import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;

class TokenizerTest {

    @Test
    void cl100kKnownIds() {
        // Published cl100k_base ids (tiktoken): "hello world" -> [15339, 1917].
        assertArrayEquals(new int[] {15339, 1917}, Tokenizer.cl100k(16).encode("hello world"));
    }

    @Test
    void roundTripsRandomText() {
        Tokenizer t = Tokenizer.cl100k(10_000);
        SplittableRandom r = new SplittableRandom(7);
        String alphabet = "abcdefghijklmnopqrstuvwxyz ABC0123456789<>:/._-=\n\täöü€漢字";
        for (int n = 0; n < 200; n++) {
            StringBuilder sb = new StringBuilder();
            int len = r.nextInt(0, 120);
            for (int i = 0; i < len; i++) {
                sb.append(alphabet.charAt(r.nextInt(alphabet.length())));
            }
            String s = sb.toString();
            int[] ids = t.encode(s);
            assertEquals(s, t.decode(ids));
            assertEquals(ids.length, t.count(s));
        }
    }

    @Test
    void specialTokenTextIsOrdinary() {
        Tokenizer t = Tokenizer.cl100k(64);
        String s = "user typed <|endoftext|> here";
        assertEquals(s, t.decode(t.encode(s)));
        assertFalse(Arrays.stream(t.encode(s)).anyMatch(id -> id == 100257), "no control token id");
    }

    @Test
    void limitIsEnforcedWithAClearMessage() {
        Tokenizer t = Tokenizer.cl100k(5);
        String ok = "one two three four five";
        assertEquals(5, t.encode(ok).length);
        TokenLimitException e = assertThrows(TokenLimitException.class, () -> t.encode(ok + " six"));
        assertTrue(e.getMessage().contains("more than 5 tokens"), e.getMessage());
        assertTrue(e.getMessage().contains("one two three"), e.getMessage());
        assertEquals(5, e.limit());
    }

    @Test
    void encodingIsConfigurable() {
        Tokenizer o200k = new Tokenizer("o200k_base", 100);
        Tokenizer cl100k = new Tokenizer("CL100K_BASE", 100);
        assertEquals("o200k_base", o200k.encodingName());
        assertEquals("cl100k_base", cl100k.encodingName());
        String s = "Der schnelle braune Fuchs springt über den faulen Hund";
        assertFalse(Arrays.equals(o200k.encode(s), cl100k.encode(s)));
        assertEquals(s, o200k.decode(o200k.encode(s)));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new Tokenizer("gpt5_base", 10));
        assertTrue(e.getMessage().contains("gpt5_base") && e.getMessage().contains("cl100k_base"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Tokenizer.cl100k(0));
    }

    @Test
    void survivesJavaSerialization() throws Exception {
        Tokenizer t = Tokenizer.cl100k(50);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(t);
        }
        Tokenizer back;
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
            back = (Tokenizer) in.readObject();
        }
        assertArrayEquals(t.encode("pool exhausted"), back.encode("pool exhausted"));
        assertEquals(50, back.maxTokens());
    }

    @Test
    void theShortTextPathGivesTheLimitedCallsTokens() {
        // Texts that surely fit are encoded without jtokkit's limit (which decodes to check the cut);
        // the ids must be those of the limited call, and the bound must hold.
        SplittableRandom r = new SplittableRandom(19);
        String alphabet = "abcdefghijklmnopqrstuvwxyz ABC0123456789<>:/._-=\n\täöü€漢字";
        com.knuddels.jtokkit.api.Encoding enc = com.knuddels.jtokkit.Encodings.newLazyEncodingRegistry()
                .getEncoding(com.knuddels.jtokkit.api.EncodingType.CL100K_BASE);
        int checked = 0;
        for (int n = 0; n < 3000; n++) {
            StringBuilder sb = new StringBuilder();
            int len = r.nextInt(0, 60);
            for (int i = 0; i < len; i++) {
                sb.append(alphabet.charAt(r.nextInt(alphabet.length())));
            }
            String s = sb.toString();
            int limit = r.nextInt(1, 80);
            Tokenizer t = Tokenizer.cl100k(limit);
            if (Tokenizer.fitsSurely(s, limit)) {
                checked++;
                com.knuddels.jtokkit.api.EncodingResult want = enc.encodeOrdinary(s, limit);
                assertFalse(want.isTruncated(), s);
                assertArrayEquals(want.getTokens().toArray(), t.encode(s), s);
            } else if (t.count(s) > limit) {
                assertThrows(TokenLimitException.class, () -> t.encode(s));
            } else {
                assertArrayEquals(enc.encodeOrdinary(s, limit).getTokens().toArray(), t.encode(s), s);
            }
        }
        assertTrue(checked > 1000, "short-path cases: " + checked);
        assertFalse(Tokenizer.fitsSurely("\uD800 lone surrogate", 100));
        assertTrue(Tokenizer.fitsSurely("€€", 6));
        assertFalse(Tokenizer.fitsSurely("€€", 5));
    }

    private static final com.knuddels.jtokkit.api.Encoding JTOKKIT = com.knuddels.jtokkit.Encodings
            .newLazyEncodingRegistry().getEncoding(com.knuddels.jtokkit.api.EncodingType.CL100K_BASE);

    @Test
    void oneLimitedEncodingCutsAsEncodeThenCut() {
        // encodeCut encodes a text once (limited); the reference encodes, and encodes again with the limit where
        // that threw. Texts around the limit and the cache's length bound, over and under, with surrogates too.
        SplittableRandom r = new SplittableRandom(31);
        String alphabet = "abcdefghij klmnop ABC 0123456789 <>:/._-=\n\t\"{} äöü€漢字\uD83D\uDE00\uD800";
        for (int limit : new int[] {1, 5, 40, 300}) {
            Tokenizer fast = Tokenizer.cl100k(limit);
            Tokenizer ref = Tokenizer.cl100k(limit);
            for (int n = 0; n < 300; n++) {
                StringBuilder sb = new StringBuilder();
                int len = r.nextInt(0, n % 3 == 0 ? 2_500 : 300);
                int letters = n % 2 == 0 ? alphabet.length() - 3 : alphabet.length(); // half without surrogates
                for (int i = 0; i < len; i++) {
                    sb.append(alphabet.charAt(r.nextInt(letters)));
                }
                String s = sb.toString();
                for (int again = 0; again < 2; again++) { // the second time from the cache where it fits
                    String[] kept = new String[1];
                    Tokenizer.Cut got = fast.encodeCut(s, kept);
                    Tokenizer.Cut want = ref.encodeCutReference(s);
                    assertArrayEquals(want.ids(), got.ids(), "ids of '" + s + "' at limit " + limit);
                    assertEquals(want.truncated(), got.truncated(), "cut of '" + s + "' at limit " + limit);
                    assertArrayEquals(want.ids(), fast.encodeCut(s).ids());
                    if (s.chars().noneMatch(c -> Character.isSurrogate((char) c))) { // jtokkit's cut asserts valid UTF-16
                        com.knuddels.jtokkit.api.EncodingResult j = JTOKKIT.encodeOrdinary(s, limit);
                        assertArrayEquals(j.getTokens().toArray(), got.ids(), "jtokkit's ids of '" + s + "' at " + limit);
                        assertEquals(j.isTruncated(), got.truncated(), "jtokkit's cut of '" + s + "' at " + limit);
                    }
                    if (got.truncated()) {
                        assertEquals(ref.decode(want.ids()), kept[0], "text kept of '" + s + "' at limit " + limit);
                    }
                }
            }
        }
    }

    @Test
    void rememberedIdsEqualFreshOnesAndAreNotShared() {
        Tokenizer t = Tokenizer.cl100k(40);
        SplittableRandom r = new SplittableRandom(23);
        String alphabet = "abcdefghij <>:/._-=0123456789€";
        String[] texts = new String[Tokenizer.CACHE_ENTRIES + 500];
        for (int i = 0; i < texts.length; i++) {
            StringBuilder sb = new StringBuilder();
            for (int j = r.nextInt(0, 30); j > 0; j--) {
                sb.append(alphabet.charAt(r.nextInt(alphabet.length())));
            }
            texts[i] = sb.toString();
        }
        // Twice over more texts than are remembered, in random order: hits, misses and evictions.
        for (int round = 0; round < 2 * texts.length; round++) {
            String s = texts[r.nextInt(texts.length)];
            int[] got = t.encode(s);
            assertArrayEquals(Tokenizer.cl100k(40).encode(s), got, s);
            Arrays.fill(got, -1); // a caller changing its array does not change later answers
        }
        String tooLong = "word ".repeat(50);
        for (int i = 0; i < 2; i++) {
            assertThrows(TokenLimitException.class, () -> t.encode(tooLong));
        }
        String big = "x".repeat(Tokenizer.CACHE_MAX_CHARS + 1);
        assertArrayEquals(Tokenizer.cl100k(2000).encode(big), Tokenizer.cl100k(2000).encode(big));
    }
}
