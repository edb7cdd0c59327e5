package dev.keymem.jobs.logs.mining;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class TemplateMinerTest {
    final TemplateMiner miner = new TemplateMiner();

    @Test
    void letterChecksAnswerAsCharacterDoesForEveryChar() {
        for (int c = 0; c <= Character.MAX_VALUE; c++) {
            char ch = (char) c;
            assertEquals(Character.isLetterOrDigit(ch), TemplateMiner.letterOrDigit(ch), "letterOrDigit " + c);
            assertEquals(Character.isLetter(ch), TemplateMiner.letter(ch), "letter " + c);
        }
    }

    int id(MinerState s, String line) {
        return miner.accept(s, line).id();
    }

    @Test
    void linesOfOneStatementShareATemplateWhateverTheirVariables() {
        MinerState s = new MinerState();
        int a = id(s, "RAS KERNEL INFO generating core.2275 on R02-M1-N0-C:J12-U11");
        assertEquals(a, id(s, "RAS KERNEL INFO generating core.862 on R17-M0-NC-I:J18-U01"));
        int b = id(s, "PacketResponder 1 for block blk_38865049064139660 terminating");
        assertEquals(b, id(s, "PacketResponder 0 for block blk_-6952295868487656571 terminating"));
        int c = id(s, "connection from 10.0.0.1 (host8.example.net) at Sat Jun 18 02:08:10 2005");
        assertEquals(c, id(s, "connection from 192.168.1.7 () at Mon Jun 20 12:00:00 2005"));
        // A value list of any length, a value and its alternate form, a duration with a unit.
        int d = id(s, "www.example.com:443 close, 403 bytes sent, 426 bytes received, lifetime 00:02");
        assertEquals(d, id(s, "proxy.example.edu:5070 close, 1200 bytes (1.17 KB) sent, 1340 bytes (1.30 KB) received, "
                + "lifetime <1 sec"));
        assertEquals(4, s.size());
        assertEquals("PacketResponder <*> for block <*> terminating", s.cluster(b).template());
    }

    @Test
    void differentWordsOfTheMessageAreDifferentTemplates() {
        MinerState s = new MinerState();
        int started = id(s, "[instance: 0f1e] VM Started (Lifecycle Event)");
        int paused = id(s, "[instance: 77ab] VM Paused (Lifecycle Event)");
        assertNotEquals(started, paused);
        assertNotEquals(id(s, "cupsd startup succeeded"), id(s, "cupsd shutdown succeeded"));
        assertNotEquals(id(s, "updateClipping isOverlap:false, top=3"), id(s, "updateClipping isOverlap:true, top=3"));
        assertNotEquals(id(s, "open through proxy p.example.com:5070 SOCKS5"),
                id(s, "open through proxy p.example.com:5070 HTTPS"));
        assertEquals(started, id(s, "[instance: 99] VM Started (Lifecycle Event)"));
    }

    @Test
    void aFieldsFormKeepsItsKeyAndPunctuationAndTakesOneValue() {
        assertEquals("invoice=<*>", TemplateMiner.fieldForm("invoice=customer"));
        assertEquals("isOverlap:<*>,", TemplateMiner.fieldForm("isOverlap:false,"));
        assertEquals("\"level\":\"<*>\",", TemplateMiner.fieldForm("\"level\":\"info\","));
        assertEquals("msg=\"<*>\"", TemplateMiner.fieldForm("msg=\"order\u00a0failed\""));
        assertEquals("x=(<*>)", TemplateMiner.fieldForm("x=(<*>)"));
        assertEquals("x=<*>", TemplateMiner.fieldForm("x=<*>"));
        assertEquals("token=<*>", TemplateMiner.fieldForm("token=Token{a64f992"));
        for (String notField : List.of("CCFile::copyFile", "http://a.b/c", "msg=\"order", "type=<*>,old=<*>", "key=", "k=\"\"",
                "{\"a\":\"x\",\"b\":\"y\"}", "[instance:", "plain", "=x", "9=x")) {
            assertNull(TemplateMiner.fieldForm(notField), notField);
        }
    }

    @Test
    void aFieldValueIsALineTokenWhoseFieldFormIsTheTemplates() {
        // fieldValue compares in place; its definition: t holds a <*> and equals l's field form
        List<String> tokens = new ArrayList<>(List.of("invoice=customer", "invoice=<*>", "invoice=<*>,", "isOverlap:false,",
                "isOverlap:<*>,", "\"level\":\"info\",", "\"level\":\"<*>\",", "\"level\":\"<*>\"", "x=(<*>)", "x=(a)",
                "x=<*>", "x=<*>x", "msg=\"order\u00a0failed\"", "msg=\"<*>\"", "CCFile::copyFile", "plain", "<*>", "k=v",
                "k=<*>", "kk=<*>", "token=Token{a64f992", "token=<*>", "type=<*>,old=<*>", "=x", "x=<*><*>"));
        java.util.Random r = new java.util.Random(7);
        String[][] parts = {{"", "", "\"", "{", "(", "9"}, {"k", "kk", "level", "a9", "x.y-z"}, {"", "", "\""},
                {"=", "=", ":", "==", "::", ":/"}, {"<*>", "v", "\"v\"", "(v)", "\"a b\"", "<*>x", "", "\"v", "v,w", "<*><*>"},
                {"", "", ",", "\",", ")", "x"}};
        for (int i = 0; i < 1500; i++) {
            StringBuilder b = new StringBuilder();
            for (String[] p : parts) {
                b.append(p[r.nextInt(p.length)]);
            }
            String t = b.toString();
            tokens.add(t);
            String f = TemplateMiner.fieldForm(t);
            if (f != null) {
                tokens.add(f);
            }
        }
        int fields = 0;
        for (String t : tokens) {
            for (String l : tokens) {
                String f = TemplateMiner.fieldForm(l);
                boolean expected = t.contains(LineTokens.WILDCARD) && f != null && f.equals(t);
                fields += expected ? 1 : 0;
                if (expected != TemplateMiner.fieldValue(t, l)) {
                    assertEquals(expected, TemplateMiner.fieldValue(t, l), t + " / " + l);
                }
            }
        }
        assertTrue(fields > 100, "pairs that are a field and its value: " + fields);
    }

    @Test
    void aFieldsWordValuesAreValuesItsFlagsAndTextsWordsOfTheMessage() {
        MinerState s = new MinerState();
        int a = id(s, "job done stage=alpha region=eu-west attempt=first");
        assertEquals(a, id(s, "job done stage=beta region=eu-west attempt=second"));
        assertEquals("job done stage=<*> region=eu-west attempt=<*>", s.cluster(a).template());
        assertEquals(a, id(s, "job done stage=gamma region=eu-west attempt=third"));
        assertEquals(1, s.size());
        // another key at a position is another token, not a value of the field
        int b = id(s, "job done phase=alpha region=eu-west attempt=first");
        assertEquals(a, b);
        assertEquals("job done <*> region=eu-west attempt=<*>", s.cluster(a).template());
        // a flag's state, a text and a message key's value are words of the message
        for (String[] pair : new String[][] {{"ok=true", "ok=false"}, {"reason=\"disk full\"", "reason=\"peer gone\""},
            {"msg=started", "msg=stopped"}}) {
            MinerState t = new MinerState();
            int x = id(t, "sync check " + pair[0] + " mode=fast");
            assertNotEquals(x, id(t, "sync check " + pair[1] + " mode=fast"), pair[1]);
            assertEquals(x, id(t, "sync check " + pair[0] + " mode=slow"), pair[0]);
        }
    }

    @Test
    void aNameAfterANameKeyIsAValue() {
        MinerState s = new MinerState();
        int a = id(s, "Invalid user webmaster from 173.234.31.186");
        assertEquals(a, id(s, "Invalid user admin from 10.1.1.1"));
        assertEquals(a, id(s, "Invalid user test from 10.1.1.2"));
        assertEquals("Invalid user <*> from <*>", s.cluster(a).template());
    }

    @Test
    void aWidenedTemplateAbsorbsTheClustersItNowCoversIntoTheOlderId() {
        MinerState s = new MinerState();
        int a = id(s, "job done in stage alpha.one status ok");
        int b = id(s, "job done in stage beta.two status ok");
        // a and b differ in a value (dotted names), so b joined a and the template widened.
        assertEquals(a, b);
        assertEquals("job done in stage <*> status ok", s.cluster(a).template());
        assertEquals(1, s.size());
    }

    @Test
    void templatesAreCappedLeastRecentlyMatchedFirst() {
        TemplateMiner small = new TemplateMiner(MinerSettings.defaults().withMaxTemplates(3));
        MinerState s = new MinerState();
        int a = small.accept(s, "alpha happened").id();
        int b = small.accept(s, "beta happened twice").id();
        small.accept(s, "alpha happened");
        int c = small.accept(s, "gamma happened three times").id();
        int d = small.accept(s, "delta happened four more times").id();
        assertEquals(3, s.size());
        assertEquals(1, s.evicted());
        assertNull(s.cluster(b), "b was matched least recently");
        assertTrue(s.cluster(a) != null && s.cluster(c) != null && s.cluster(d) != null);
        int b2 = small.accept(s, "beta happened twice").id();
        assertFalse(List.of(a, b, c, d).contains(b2), "an evicted template comes back with a new id");
    }

    @Test
    void idsAreAssignedOnceAndTheSameLinesGiveTheSameIds() throws Exception {
        List<String> lines = Files.readAllLines(Path.of("..", "samples", "logs", "services.log"));
        List<Integer> first = new ArrayList<>();
        MinerState s = new MinerState();
        for (String l : lines) {
            first.add(id(s, l));
        }
        MinerState t = new MinerState();
        for (int i = 0; i < lines.size(); i++) {
            assertEquals(first.get(i), id(t, lines.get(i)), "line " + i);
        }
        assertEquals(s, t);
        assertEquals(lines.size(), s.lines());
        long total = s.clusters().stream().mapToLong(MinerState.Cluster::count).sum();
        assertEquals(lines.size(), total + 0, "every line counted in one template (no eviction here)");
    }

    @Test
    void rememberedTemplateTextsEqualTheTextsBuiltAgain() throws Exception {
        List<String> lines = new ArrayList<>(LineTokensScanTest.realLines());
        MinerState s = new MinerState();
        TemplateMiner small = new TemplateMiner(MinerSettings.defaults().withMaxTemplates(40));
        for (int i = 0; i < lines.size(); i++) {
            TemplateMiner.Match m = small.accept(s, lines.get(i));
            for (MinerState.Cluster c : s.clusters()) {
                assertEquals(MinerState.Cluster.templateText(c.tokens), c.template(), "line " + i);
            }
            assertEquals(s.cluster(m.id()).template(), m.template(), "line " + i);
        }
    }

    @Test
    void maskingKeepsConstantsWithASingleDigitAndMasksIds() {
        LineTokens t = new LineTokens();
        assertEquals("open via SOCKS5 and IPv4", t.mask("open via SOCKS5 and IPv4"));
        assertEquals("node <ID>:<ID> down", t.mask("node R02-M1-N0-C:J12-U11 down"));
        assertEquals("took <Q>", t.mask("took 250 ms"));
        assertEquals("id <UUID>", t.mask("id 123e4567-e89b-12d3-a456-426614174000"));
        assertEquals("<HOST> open", t.mask("proxy.cse.cuhk.edu.hk:5070 open"));
        assertEquals(List.of("a", "<*>", "b", "x=<*>"), List.of(LineTokens.tokens("a <NUM> <IP> (<NUM>) b x=<NUM>")));
    }

    @Test
    void hostNamesAreMaskedAndDottedPropertyNamesKept() {
        LineTokens t = new LineTokens();
        assertEquals("resolved <HOST> and <HOST>", t.mask("resolved www.google.com.hk and mail.zen.co.uk"));
        assertEquals("mapred.job.id is deprecated. Instead, use mapreduce.job.id",
                t.mask("mapred.job.id is deprecated. Instead, use mapreduce.job.id"));
    }

    @Test
    void numberedInstancesStayOneTemplateUnderWhateverPrefixTheyArrive() {
        // broadcast_9 / broadcast_8 differ in digits only: the template's <*> there is a value's, so
        // broadcast_0, whose prefix leaf is new, still finds it across prefixes (it made a new template).
        MinerState s = new MinerState();
        int a = id(s, "Block broadcast_9 stored as values in memory (estimated size 8.8 KB, free 14.0 KB)");
        assertEquals(a, id(s, "Block broadcast_8 stored as values in memory (estimated size 8.8 KB, free 14.0 KB)"));
        assertEquals(a, id(s, "Block broadcast_0 stored as values in memory (estimated size 384.0 B, free 317.5 KB)"));
        assertEquals(1, s.size());
        assertEquals("Block <*> stored as values in memory (estimated size <*> free <*>", s.cluster(a).template());
    }

    @Test
    void aShortMessageWithAnotherFirstWordIsAnotherMessage() {
        MinerState s = new MinerState();
        assertNotEquals(id(s, "autopurge.snapRetainCount set to 3"), id(s, "autopurge.purgeInterval set to 24"));
        assertNotEquals(id(s, "mapred.tip.id is deprecated. Instead, use mapreduce.task.id"),
                id(s, "mapred.job.id is deprecated. Instead, use mapreduce.job.id"));
        assertNotEquals(id(s, "cupsd startup succeeded"), id(s, "rpc.statd startup succeeded"));
        // A long message that differs in its first token only (a program in front) is the same message.
        int a = id(s, "chrome.exe - p.example.com:443 close, 403 bytes sent, 426 bytes received, lifetime 00:02");
        assertEquals(a, id(s, "firefox.exe - q.example.com:443 close, 1200 bytes sent, 80 bytes received, lifetime 00:10"));
    }
}
