package dev.keymem.jobs.kafka;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import dev.keymem.jobs.context.ContextEvent;
import dev.keymem.jobs.context.ContextEventParser;
import dev.keymem.jobs.logs.LogLineParser;
import dev.keymem.jobs.text.TextFrontEnd;
import org.junit.jupiter.api.Test;

/**
 * JSON may carry an unpaired surrogate as an escape ({@code "\\ud800"}); it is not text: the tokenizer rejects
 * it (an AssertionError with assertions on, which failed the job) and UTF-8 cannot encode it. The parsers
 * replace it with U+FFFD.
 */
class WellFormedTextTest {

    @Test
    void unpairedSurrogatesAreReplacedAndPairsKept() {
        String ok = "caf\u00E9 \uD83D\uDE80";
        assertSame(ok, RecordParsers.wellFormed(ok), "no copy when there is nothing to replace");
        assertEquals("a\uFFFDb", RecordParsers.wellFormed("a\uD800b"));
        assertEquals("a\uFFFD", RecordParsers.wellFormed("a\uDC00"));
        assertEquals("\uFFFD\uD83D\uDE80\uFFFD", RecordParsers.wellFormed("\uDE80\uD83D\uDE80\uD83D"));
        assertEquals(null, RecordParsers.wellFormed(null));
    }

    @Test
    void theParsersHandTheTokenizerText() throws Exception {
        String log = new LogLineParser(null).parse(null, "{\"source\": \"a\\ud800\", \"message\": \"x \\udc00 y\"}", 0, -1)
                .text;
        assertEquals("x \uFFFD y", log);
        ContextEvent e = new ContextEventParser().parse(null, "{\"user\": \"u\", \"text\": \"lone \\ud800\"}", 0);
        assertEquals("lone \uFFFD", e.text);
        TextFrontEnd.builder().build().encode(log); // throws with assertions on (surefire's -ea) when not replaced
    }
}
