package dev.keymem.jobs.logs.mining;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Round 7's gaps (docs/benchmarks.md, "Log formats, round 7"), each as lines its program prints: words that class
 * 16 of {@link MessageValues} took for values and are not (a technical name ending in digits after a noun, an
 * {@code event/} path that is no Kubernetes event, Perl's pragmas), values that no class knew (MySQL's slow log
 * {@code # User@Host:} without a host, gunicorn's and Django's one-word values without a noun), and the day-name
 * rule of {@link LineTokens} that took any word starting with a day's three letters.
 */
class FormatGapsRound7Test {

    @Test
    void technicalNamesEndingInDigitsStayWords() {
        // names, not values: a hash, an address family, a codec, an encoding, a file system, a number type
        for (String line : List.of(
                "level=info msg=\"verifying layer\" using key sha256 for the manifest",
                "Listening on network ipv6 [::]:8080",
                "Selected video stream h264 (High) 1920x1080 for transcoding",
                "LOG:  column uuid cast to function md5 fallback",
                "Mounted volume ext4 on /data",
                "Converting column int64 to float32",
                "Client database utf8 does not match server encoding")) {
            assertSame(line, MessageValues.values(line), line);
            assertEquals(false, MessageValues.mayNameId(line), line);
        }
        // names that end in digits stay values (HPC's domains, OpenSSH's users, round 6's realm)
        assertEquals("no server for domain <*>", MessageValues.values("no server for domain storage234"));
        assertEquals("Invalid user <*> from 10.0.0.1", MessageValues.values("Invalid user test9 from 10.0.0.1"));
        assertEquals("authenticated in realm <*> as", MessageValues.values("authenticated in realm ldap1 as"));
        assertEquals("stream <*> lagging", MessageValues.values("stream orders7 lagging"));
        assertEquals("node <*> is down", MessageValues.values("node s3 is down"));
    }

    @Test
    void onlyAKubernetesEventNameFollowsEventSlash() {
        for (String line : List.of("WARN [bus] slow event/handler pair order.created took 1520ms",
                "see docs/event/handler and event/listener", "Registered event/handler for shutdown")) {
            assertSame(line, MessageValues.values(line), line);
        }
        // kubectl get events -o name: event/NAME where NAME is the involved object's name, '.', a hex time
        assertEquals("event/<*>", MessageValues.values("event/web-7d9f5c8b4-x2x4q.17c6d3a0b9e8f2c1"));
        assertEquals("event.events.k8s.io/<*> deleted",
                MessageValues.values("event.events.k8s.io/web-1.17c6d3a0b9e8f2c1 deleted"));
        assertEquals("Normal Killing pod/<*> Stopping container <*>",
                MessageValues.values("Normal Killing pod/web-1 Stopping container web"));
    }

    @Test
    void perlPragmasAreNoDatabases() {
        for (String line : List.of("use strict;", "use warnings;", "use utf8;", "use constant;", "use lib;")) {
            assertSame(line, MessageValues.values(line), line);
        }
        assertEquals("use <*>;", MessageValues.values("use shop;"));
        assertEquals("use <*>;", MessageValues.values("use analytics_2024;"));
    }

    @Test
    void slowLogUserHostIsOneValue() {
        // sql/log.cc: "# User@Host: %s  Id: %5u" with user_host "%s[%s] @ %s [%s]" (priv_user, user, host, ip)
        assertEquals("# User@Host: <*>  Id: 26828",
                MessageValues.values("# User@Host: root[root] @ localhost []  Id: 26828"));
        assertEquals("# User@Host: <*>  Id:  2255",
                MessageValues.values("# User@Host: report[report] @  [10.32.234.148]  Id:  2255"));
        assertEquals("# User@Host: <*>", MessageValues.values("# User@Host: app[app] @ web-3.internal [10.0.4.7]"));
        TemplateMiner miner = new TemplateMiner();
        MinerState s = new MinerState();
        int a = miner.accept(s, "# User@Host: root[root] @ localhost []  Id: 26828").id();
        int b = miner.accept(s, "# User@Host: report[report] @  [10.32.234.148]  Id:  2255").id();
        int c = miner.accept(s, "# User@Host: app[app] @ web-3.internal [10.0.4.7]  Id:   311").id();
        assertEquals(a, b);
        assertEquals(a, c);
    }

    @Test
    void gunicornAndDjangoWordsWithoutANoun() {
        // gunicorn/arbiter.py: "Using worker: %s", "Handling signal: %s"
        assertEquals("[2024-05-03 10:00:19 +0000] [71] [INFO] Using worker: <*>",
                MessageValues.values("[2024-05-03 10:00:19 +0000] [71] [INFO] Using worker: sync"));
        assertEquals("[INFO] Using worker: <*>", MessageValues.values("[INFO] Using worker: uvicorn.workers.UvicornWorker"));
        assertEquals("[INFO] Handling signal: <*>", MessageValues.values("[INFO] Handling signal: winch"));
        // django/views/generic/base.py "Method Not Allowed (%s): %s"; django/middleware/csrf.py "Forbidden (%s): %s"
        assertEquals("WARNING log 330 1 Method Not Allowed (<*>): <PATH>",
                MessageValues.values("WARNING log 330 1 Method Not Allowed (DELETE): api/x.json"));
        assertEquals("WARNING csrf 1 2 Forbidden (<*>): <*>",
                MessageValues.values("WARNING csrf 1 2 Forbidden (Referer checking failed - no Referer.): /.env"));
        TemplateMiner miner = new TemplateMiner();
        MinerState s = new MinerState();
        int a = miner.accept(s, "[2024-05-03 10:00:19 +0000] [71] [INFO] Using worker: sync").id();
        int b = miner.accept(s, "[2024-05-03 10:00:32 +0000] [330] [INFO] Using worker: gthread").id();
        assertEquals(a, b);
        int c = miner.accept(s, "WARNING 2024-05-03 10:00:16,435 log 330 139402641883639 Method Not Allowed (DELETE):"
                + " /api/customers/6564/cart/").id();
        int d = miner.accept(s, "WARNING 2024-05-03 10:00:45,081 log 330 139026867637717 Method Not Allowed (PUT): /.env")
                .id();
        assertEquals(c, d);
        int e = miner.accept(s, "WARNING 2024-05-03 10:00:12,784 csrf 138 139657719613509 Forbidden (Referer checking"
                + " failed - no Referer.): /.env").id();
        int f = miner.accept(s, "WARNING 2024-05-03 10:00:28,086 csrf 162 139473606194300 Forbidden (CSRF cookie not"
                + " set.): /favicon.ico").id();
        assertEquals(e, f);
        for (String line : List.of("Using worker: sync now", "Forbidden (x)", "Method Not Allowed", "Handling signal: ")) {
            assertSame(line, MessageValues.values(line), line);
        }
    }

    @Test
    void onlyDayNamesAreCutBeforeADate() {
        LineTokens t = new LineTokens();
        // words that start with a day's letters before a word that starts with a month's
        assertNotEquals(-1, t.mask("INFO Monitoring Marketing queue depth 5").indexOf("Monitoring Marketing"));
        assertNotEquals(-1, t.mask("WARN Satellite Decoder lost lock").indexOf("Satellite Decoder"));
        assertNotEquals(-1, t.mask("Thumbnail Decoding failed for x").indexOf("Thumbnail Decoding"));
        // day names, short and long, still go
        assertEquals(-1, t.mask("Tuesday, May 7 2024 backup done").indexOf("Tuesday"));
        assertEquals(-1, t.mask("Wed May 07 2024 backup done").indexOf("Wed"));
        // and their common short forms (Tues, Weds, Thur, Thurs), as the earlier rule took them
        for (String day : new String[] {"Tues", "Weds", "Thur", "Thurs", "Thu", "Tue"}) {
            assertEquals(t.mask("backup done Fri May 9 10:00:00 2024"), t.mask("backup done " + day + " May 9 10:00:00 2024"), day);
        }
        assertNotEquals(-1, t.mask("Thursdays May run late").indexOf("Thursdays"));
    }
}
