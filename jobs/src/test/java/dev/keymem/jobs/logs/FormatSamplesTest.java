package dev.keymem.jobs.logs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keymem.jobs.kafka.InvalidRecordException;
import dev.keymem.jobs.logs.mining.GroupingAccuracy;
import dev.keymem.jobs.logs.mining.MinerState;
import dev.keymem.jobs.logs.mining.TemplateMiner;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The log job's parser and miner over samples of formats as their tools write them, one resource file per format
 * ({@code formats/NAME.log}: per line the event that wrote it, a tab, the line; the events checked by hand against
 * each tool's code or documentation): journalctl's {@code short} output of several programs, Redis' server log, Go's
 * standard {@code log} and {@code log/slog}'s text handler, Python logging with tracebacks (each traceback line its
 * own event: the frame's location, the code line, the exception), log4j with MDC fields in the pattern, HAProxy's
 * HTTP log through syslog, AWS VPC flow logs and ALB access logs, a GitHub Actions job log, Rails' tagged logger,
 * lines in the shapes of loghub's BGL and Thunderbird sets (a label, epoch and date before the node's own header),
 * a Windows event dump ({@code wevtutil qe /f:text}), nginx's and Apache httpd 2.4's error logs and Spring Boot's
 * default console pattern; held-out halves ({@code NAME-b}) of journalctl, Rails, GitHub Actions and Windows dumps.
 * Round 4 (docs/benchmarks.md, "Log formats, round 4"): Kubernetes klog (kubelet, scheduler, controller-manager,
 * structured {@code "msg" key=value} lines), PostgreSQL ({@code %m [%p] }), the MySQL 8 error log, a Kafka broker's
 * log4j lines (and ZooKeeper's client), Envoy's default access log and zap's development console encoder, each a
 * tuning half ({@code NAME}) and a held-out half ({@code NAME-b}, other messages of the same programs, scored once
 * the rules were final; {@code kafka-c} a second held-out half, written after the last rule, a compound name after
 * a noun, which the first halves had led to).
 * Round 5 ("Log formats, round 5"): journalctl's {@code -o short-iso} output (sshd, cron, sudo, systemd, the kernel,
 * NetworkManager, chronyd, postfix), Elasticsearch's log4j2 layout, the Docker daemon's logrus lines, Gradle's
 * console and Go's {@code log} lines with panics, each a tuning half and a held-out half ({@code -b}), all written
 * before round 5's first rule; {@code -c} halves of journalctl, Elasticsearch and Gradle written after its last
 * rule and scored once.
 * Round 6 ("Log formats, round 6"): RabbitMQ's log (3.9+), MySQL's slow query log (each query line's event its
 * statement's fingerprint, as pt-query-digest groups them), {@code kubectl get events} listings, gunicorn's log
 * beside Django's (the "verbose" formatter of Django's logging docs), a Celery worker's log, HashiCorp's hclog
 * (Consul, Nomad) and PHP's error log beside PHP-FPM's, each a tuning half and a held-out half ({@code -b}, other
 * messages of the same programs), all written before round 6's first rule (the held-out halves scored, their
 * templates not read); {@code -c} halves of the events listing, Celery, PHP and RabbitMQ written after its last
 * rule and scored once.
 * Round 7 ("Log formats, round 7"): three formats no rule was written for, scored before and after round 7's rules
 * (held out whole): fail2ban's log ({@code fail2ban.server}, {@code .jail}, {@code .filter}, {@code .actions}), an
 * OpenVPN 2.5 server's log and Tomcat's {@code catalina.out} (JUL's OneLineFormatter).
 * No line is refused, and the templates group each format's lines at least as well as the floor measured for it
 * (the measured value less 0.02), printed beside the word-mask baseline of {@link FormatLogsTest}.
 * {@code -Dkeymem.formats.show=NAME[,NAME...]} prints, for those samples, each event's templates and their line counts.
 * {@code -Dkeymem.formats.dir=DIR} writes each sample in the loghub_2k layout ({@code DIR/NAME/NAME_2k.log} and
 * {@code NAME_2k.log_structured.csv}) for {@code memctl eval logs} and {@code memctl logs}.
 */
class FormatSamplesTest {
    /**
     * Per format: the grouping accuracy floor (measured less 0.02) and the most templates (measured plus a quarter,
     * rounded up), docs/benchmarks.md "Log formats, round 3", "round 4", "round 5" and "round 6". A {@code -b}
     * sample is the held-out half of a format whose first half the miner's {@code MessageValues} classes were written against
     * (other messages of the same programs, written afterwards); a {@code -c} sample of rounds 5 and 6 was written
     * after the round's last rule and scored once. Below 1: Go stack frames whose lines are all values ({@code
     * \t/app/x.go:42 +0x1d}: one template {@code <*>}, which then takes every one-token line, the frames' functions
     * too) and a Go request log's method (one template per method, as for access logs), Elasticsearch's and
     * Gradle's messages of the held-out halves with word values out of brackets ({@code (create)}, {@code N tests
     * completed, N failed[, N skipped]}), journald's units in messages no class knows; round 6: RabbitMQ's warning
     * {@code closing AMQP connection ... user: 'x'):} (its reason on the next line) whose last token masks to the
     * info line's, MySQL's {@code # User@Host:} line without a host name (another token count), single words that
     * are a format's {@code %s} without a noun before them (gunicorn's {@code Using worker: sync}, Django's {@code
     * Method Not Allowed (POST)} and {@code Forbidden (reason)}); round 7 took the last three. Round 7's held-out
     * formats: values in brackets or quotes without a noun before them (fail2ban's {@code [sshd] Ban}, {@code Jail
     * 'sshd' started}, OpenVPN's {@code [alice] Peer Connection Initiated}, Tomcat's {@code The web application
     * [shop] appears}), OpenVPN's {@code user/ip:port} prefix on some lines only, JUL's thread name that the
     * header cut takes or leaves.
     */
    private static final Map<String, double[]> LIMITS = Map.ofEntries(
            Map.entry("alb", new double[] {0.98, 3}), Map.entry("apache-error", new double[] {0.98, 13}),
            Map.entry("bgl", new double[] {0.98, 10}), Map.entry("dockerd", new double[] {0.98, 15}),
            Map.entry("dockerd-b", new double[] {0.98, 17}), Map.entry("elasticsearch", new double[] {0.936, 14}),
            Map.entry("elasticsearch-b", new double[] {0.830, 15}),
            Map.entry("elasticsearch-c", new double[] {0.843, 13}), Map.entry("envoy", new double[] {0.98, 3}),
            Map.entry("envoy-b", new double[] {0.98, 4}), Map.entry("github-actions", new double[] {0.98, 15}),
            Map.entry("github-actions-b", new double[] {0.98, 17}), Map.entry("go-panic", new double[] {0.436, 18}),
            Map.entry("go-panic-b", new double[] {0.754, 14}), Map.entry("golog", new double[] {0.98, 8}),
            Map.entry("gradle", new double[] {0.962, 13}), Map.entry("gradle-b", new double[] {0.927, 19}),
            Map.entry("gradle-c", new double[] {0.820, 17}), Map.entry("haproxy", new double[] {0.98, 5}),
            Map.entry("journal-iso", new double[] {0.98, 15}), Map.entry("journal-iso-b", new double[] {0.933, 18}),
            Map.entry("journal-iso-c", new double[] {0.805, 18}), Map.entry("journalctl", new double[] {0.98, 12}),
            Map.entry("journalctl-b", new double[] {0.98, 19}), Map.entry("kafka", new double[] {0.98, 8}),
            Map.entry("kafka-b", new double[] {0.98, 9}), Map.entry("kafka-c", new double[] {0.98, 9}),
            Map.entry("klog", new double[] {0.98, 9}), Map.entry("klog-b", new double[] {0.98, 10}),
            Map.entry("log4j-mdc", new double[] {0.98, 7}), Map.entry("mysql", new double[] {0.98, 9}),
            Map.entry("mysql-b", new double[] {0.98, 9}), Map.entry("nginx-error", new double[] {0.98, 15}),
            Map.entry("postgres", new double[] {0.98, 12}), Map.entry("postgres-b", new double[] {0.98, 12}),
            Map.entry("python-traceback", new double[] {0.98, 15}), Map.entry("rails", new double[] {0.98, 8}),
            Map.entry("rails-b", new double[] {0.98, 12}), Map.entry("redis", new double[] {0.98, 9}),
            Map.entry("slog", new double[] {0.98, 7}), Map.entry("spring-boot", new double[] {0.98, 23}),
            Map.entry("thunderbird", new double[] {0.98, 9}), Map.entry("vpcflow", new double[] {0.98, 4}),
            Map.entry("winevent-b", new double[] {0.98, 22}), Map.entry("zap", new double[] {0.98, 8}),
            Map.entry("zap-b", new double[] {0.98, 8}),
            Map.entry("celery", new double[] {0.98, 10}), Map.entry("celery-b", new double[] {0.98, 12}),
            Map.entry("celery-c", new double[] {0.98, 8}), Map.entry("django", new double[] {0.891, 15}),
            Map.entry("django-b", new double[] {0.98, 13}), Map.entry("hclog", new double[] {0.98, 13}),
            Map.entry("hclog-b", new double[] {0.713, 17}), Map.entry("k8s-events", new double[] {0.98, 14}),
            Map.entry("k8s-events-b", new double[] {0.892, 17}), Map.entry("k8s-events-c", new double[] {0.881, 14}),
            Map.entry("mysql-slow", new double[] {0.98, 15}), Map.entry("mysql-slow-b", new double[] {0.892, 24}),
            Map.entry("php", new double[] {0.98, 15}), Map.entry("php-b", new double[] {0.98, 18}),
            Map.entry("php-c", new double[] {0.902, 14}), Map.entry("rabbitmq", new double[] {0.669, 12}),
            Map.entry("rabbitmq-b", new double[] {0.824, 17}), Map.entry("rabbitmq-c", new double[] {0.647, 12}),
            Map.entry("fail2ban", new double[] {0.258, 54}), Map.entry("openvpn", new double[] {0.547, 44}),
            Map.entry("tomcat", new double[] {0.413, 34}));

    /** One line and the event that wrote it. */
    record Line(String event, String text) {
    }

    static List<Line> sample(String format) throws Exception {
        List<Line> out = new ArrayList<>();
        try (InputStream in = FormatSamplesTest.class.getResourceAsStream("/formats/" + format + ".log")) {
            assertNotNull(in, format);
            BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
            for (String l; (l = r.readLine()) != null; ) {
                int tab = l.indexOf('\t');
                out.add(new Line(l.substring(0, tab), l.substring(tab + 1)));
            }
        }
        return out;
    }

    @Test
    void everyFormatIsReadAndGroupedAboveItsFloor() throws Exception {
        String dir = System.getProperty("keymem.formats.dir");
        List<String> show = List.of(System.getProperty("keymem.formats.show", "").split(","));
        StringBuilder report = new StringBuilder();
        List<String> below = new ArrayList<>();
        for (String format : LIMITS.keySet().stream().sorted().toList()) {
            List<Line> lines = sample(format);
            if (dir != null && !dir.isBlank()) {
                write(Path.of(dir), format, lines);
            }
            LogLineParser parser = new LogLineParser(null);
            TemplateMiner miner = new TemplateMiner();
            Map<String, MinerState> states = new HashMap<>();
            Map<String, Integer> sourceBase = new HashMap<>();
            Map<String, Integer> baseIds = new HashMap<>();
            List<String> truth = new ArrayList<>();
            List<Integer> ids = new ArrayList<>();
            List<Integer> base = new ArrayList<>();
            Map<String, Map<String, Integer>> shown = new java.util.TreeMap<>();
            for (Line line : lines) {
                LogLine l;
                try {
                    l = parser.parse(null, line.text(), 0, -1);
                } catch (InvalidRecordException e) {
                    throw new AssertionError(format + ": refused " + line.text(), e);
                }
                MinerState s = states.computeIfAbsent(l.source, k -> new MinerState());
                int offset = sourceBase.computeIfAbsent(l.source, k -> sourceBase.size() << 20);
                truth.add(line.event());
                TemplateMiner.Match m = miner.accept(s, l.text, l.bare);
                ids.add(offset + m.id());
                if (show.contains(format)) {
                    shown.computeIfAbsent(line.event(), k -> new java.util.TreeMap<>()).merge(l.source + " | "
                            + m.id(), 1, Integer::sum);
                }
                base.add(baseIds.computeIfAbsent(FormatLogsTest.masked(line.text()), k -> baseIds.size()));
            }
            double ga = GroupingAccuracy.of(truth, ids);
            double baseline = GroupingAccuracy.of(truth, base);
            if (show.contains(format)) {
                Map<String, String> text = new HashMap<>();
                states.forEach((src, st) -> st.clusters().forEach(c -> text.put(src + " | " + c.id(), c.template())));
                report.append(format).append(':').append(System.lineSeparator());
                shown.forEach((event, t) -> t.forEach((k, n) -> report.append(String.format(Locale.ROOT,
                        "  %-24s %4d %5s  %s%n", event, n, k.substring(k.lastIndexOf(' ') + 1),
                        text.getOrDefault(k, "(gone)")))));
            }
            long templates = states.values().stream().mapToLong(s -> s.clusters().size()).sum();
            report.append(String.format(Locale.ROOT, "%-17s lines %4d events %3d templates %4d GA %.3f baseline %.3f"
                    + " (%d groups)%n", format, lines.size(), truth.stream().distinct().count(), templates, ga,
                    baseline, baseIds.size()));
            double[] limit = LIMITS.get(format);
            if (ga + 1e-9 < limit[0] || templates > limit[1]) {
                below.add(format);
            }
        }
        System.out.print(report);
        assertTrue(below.isEmpty(), "below the floor or above the templates: " + below + "\n" + report);
    }

    @Test
    void eachSampleHoldsSeveralEventsAndNoBlankLine() throws Exception {
        for (String format : LIMITS.keySet()) {
            List<Line> lines = sample(format);
            assertTrue(lines.size() >= 30, format);
            assertTrue(lines.stream().map(Line::event).distinct().count() >= 2, format);
            assertEquals(0, lines.stream().filter(l -> l.text().isBlank() || l.event().isBlank()).count(), format);
        }
    }

    /** {@code DIR/NAME/NAME_2k.log} and its {@code _structured.csv} (LineId, Content = the line, EventId). */
    private static void write(Path dir, String format, List<Line> lines) throws Exception {
        Path d = Files.createDirectories(dir.resolve(format));
        Files.write(d.resolve(format + "_2k.log"), lines.stream().map(Line::text).toList(), StandardCharsets.UTF_8);
        List<String> csv = new ArrayList<>();
        csv.add("LineId,Content,EventId,EventTemplate");
        for (int i = 0; i < lines.size(); i++) {
            csv.add((i + 1) + ",\"" + lines.get(i).text().replace("\"", "\"\"") + "\"," + lines.get(i).event() + ",");
        }
        Files.write(d.resolve(format + "_2k.log_structured.csv"), csv, StandardCharsets.UTF_8);
    }
}
