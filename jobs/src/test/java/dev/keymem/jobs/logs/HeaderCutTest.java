package dev.keymem.jobs.logs;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.keymem.jobs.logs.mining.LineTokens;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Where the header of a whole raw line ends ({@link LineTokens#message}, and from it the summarizer's message words,
 * {@link LogSummarizer#messageWords}): a value that starts the message after a level or a bracketed field stays the
 * message's (its first parameter), a leading {@code -} (BGL's and Thunderbird's alert label of a normal line) is
 * header like the values after it, and the headers that were cut before are cut as before.
 */
class HeaderCutTest {
    private final LineTokens lt = new LineTokens();

    private String message(String line) {
        return LineTokens.message(lt.mask(line));
    }

    private List<String> words(String line) {
        return List.of(LogSummarizer.messageWords(line, message(line)));
    }

    @Test
    void aValueAfterTheLevelStartsTheMessage() {
        String line = "2024-05-01 10:00:00.123 INFO 717 ms spent in garbage collection";
        assertEquals(List.of("717", "ms", "spent", "in", "garbage", "collection"), words(line));
        assertEquals(List.of("717", "ms", "spent", "in", "gc"),
                words("2024-05-01 10:00:00,123 INFO [main] 717 ms spent in gc"));
        assertEquals(List.of("3", "workers", "started"), words("[Sun Dec 04 04:47:44 2005] [notice] 3 workers started"));
    }

    @Test
    void valuesBeforeAComponentStayHeader() {
        // Spring Boot: pid after the level, then --- [thread] logger : message (2.x; 3.x adds [app] before the thread)
        assertEquals("Tomcat started on port(s): <NUM> (http)",
                message("2024-01-01 10:00:00.000  INFO 12345 --- [           main] "
                        + "o.s.b.w.embedded.tomcat.TomcatWebServer  : Tomcat started on port(s): 8080 (http)"));
        assertEquals("Completed initialization in <Q>", message("2024-01-05 10:00:00.123  INFO 1234 --- "
                + "[nio-8080-exec-1] o.s.w.s.DispatcherServlet : Completed initialization in 1 ms"));
        assertEquals("Started OrdersApplication in <Q> (process running for <NUM>)", message(
                "2024-05-03T10:09:09.749Z  INFO 4816 --- [orders] [           main] c.e.orders.OrdersApplication"
                + "             : Started OrdersApplication in 7.293 seconds (process running for 15.532)"));
        // Ruby's Logger: "L, [time #pid] LEVEL -- progname: message", the program name empty or not
        assertEquals("Connection refused", message("E, [2024-01-05T10:00:00.123456 #1234] ERROR -- : Connection refused"));
        assertEquals("Processing by UsersController#show as JSON", message(
                "I, [2024-01-05T10:00:00.123456 #1234]  INFO -- MyApp: Processing by UsersController#show as JSON"));
        // a lone colon after a word that is no dotted logger name, without a "---" before it, stays the message's
        assertEquals("Status : ready", message("2024-01-05 10:00:00 INFO Status : ready"));
        // HDFS: values, level, component:
        assertEquals(List.of("PacketResponder", "1", "for", "block", "blk_38865049064139660", "terminating"),
                words("081109 203615 148 INFO dfs.DataNode$PacketResponder: PacketResponder 1 for block "
                        + "blk_38865049064139660 terminating"));
        // Android: values before the level tag
        assertEquals(List.of("printFreezingDisplayLogsopening", "app"),
                words("03-17 16:13:38.811  1702  2395 D WindowManager: printFreezingDisplayLogsopening app"));
        // nginx's error log: pid#tid: *connection (values with one ending in a colon) stay header
        assertEquals(List.of("open()", "\"/usr/share/nginx/html/x\"", "failed"),
                words("2024/05/01 10:00:00 [error] 12345#12345: *1 open() \"/usr/share/nginx/html/x\" failed"));
        // Zookeeper
        assertEquals(List.of("Notification", "time", "out:", "3200"),
                words("2015-07-29 17:41:44,747 - INFO  [QuorumPeer[myid=1]/0:0:0:0:0:0:2181:FastLeaderElection@774]"
                        + " - Notification time out: 3200"));
    }

    @Test
    void aCapitalizedWordBeforeAColonIsNoHost() {
        // "host program:" after the header, but not "Word key:" (GitHub Actions, a message's own words)
        assertEquals(List.of("Syncing", "repository:", "acme/shop"),
                words("2024-05-01T10:00:01.9549630Z Syncing repository: acme/shop"));
        assertEquals(List.of("Started", "Session", "5", "of", "User", "root."),
                words("May 01 10:00:02 db1 systemd[1]: Started Session 5 of User root."));
        assertEquals(List.of("Out", "of", "memory:", "Killed", "process", "1234"),
                words("May 01 10:00:02 web1 kernel: Out of memory: Killed process 1234"));
        assertEquals(List.of("Initializing", "online"), words("2016-09-28 04:30:31, Info CBS SQM: Initializing online"));
    }

    @Test
    void aLeadingDashIsALabelOfTheHeader() {
        // Thunderbird: label, epoch, date, node, syslog time, node/node, program[pid]:
        assertEquals(List.of("session", "closed", "for", "user", "root"),
                words("- 1131566461 2005.11.09 dn228 Nov 9 12:01:01 dn228/dn228 crond(pam_unix)[2915]: session "
                        + "closed for user root"));
        // BGL: label, epoch, date, node, time, node, then type, component and level words
        assertEquals(List.of("RAS", "KERNEL", "INFO", "instruction", "cache", "parity", "error", "corrected"),
                words("- 1117838570 2005.06.03 R02-M1-N0-C:J12-U11 2005-06-03-15.42.50.675872 R02-M1-N0-C:J12-U11 "
                        + "RAS KERNEL INFO instruction cache parity error corrected"));
    }

    @Test
    void textGluedAfterBracketsStartsTheMessage() {
        // the message's own bracketed values are no end of the header
        assertEquals("Connected to [db] in <NUM> ms", LineTokens.message("[<TS>][INFO]Connected to [db] in <NUM> ms"));
        assertEquals("Disconnected from [db] in <NUM> ms",
                LineTokens.message("[<TS>][INFO]Disconnected from [db] in <NUM> ms"));
        assertEquals("Connected to [db]", LineTokens.message("[<TS>][INFO]: Connected to [db]"));
        // Elasticsearch's padded level: the first word ends inside an open bracket, closed in a later word
        assertEquals("creating index, cause [api]", LineTokens.message(
                "[<TS>][INFO ][o.e.c.m.MetadataCreateIndexService] [node-1] creating index, cause [api]"));
        assertEquals("started", LineTokens.message("[<TS>][WARN][o.e.n.Node] [node-1] started"));
    }
}
