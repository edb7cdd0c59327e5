package dev.keymem.jobs.logs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.keymem.jobs.cli.Memctl;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The HTML report: self-contained, and rendered by a real headless browser (Debian's chromium; the browser
 * part is skipped, with the reason printed, where no chromium is installed).
 */
class LogReportTest {

    static List<JsonNode> sampleSummaries() throws Exception {
        return LogSummarizerTest.run(LogSummarizerTest.sample(), LogSummarySettings.defaults().withEvery(500, 0));
    }

    static int rows(List<JsonNode> sums) {
        int n = 0;
        for (JsonNode s : sums) {
            n += s.get("templates").size();
        }
        return n;
    }

    @Test
    void thePageIsSelfContainedAndHoldsEveryTemplateReport() throws Exception {
        List<JsonNode> sums = sampleSummaries();
        String html = LogReport.html("sample <report>", sums);
        assertFalse(Pattern.compile("(?i)(src|href)\\s*=\\s*\"?(https?:)?//").matcher(html).find(),
                "no network resources");
        assertFalse(html.contains("<link"), "no external style sheets");
        assertTrue(html.contains("<title>sample &lt;report&gt;</title>"), "escaped title");
        Matcher m = Pattern.compile("<tr class=\"tpl").matcher(html);
        int n = 0;
        while (m.find()) {
            n++;
        }
        assertEquals(rows(sums), n, "one row per template report");
        for (JsonNode s : sums) {
            for (JsonNode t : s.get("templates")) {
                if (t.has("text")) {
                    assertTrue(html.contains(LogReport.esc(t.get("text").asText())), "verbatim line in the page: " + t);
                }
            }
        }
        assertTrue(html.contains("<svg class=\"timeline\""));
        assertTrue(html.contains("class=\"spike new\""), "novelty marks");
    }

    /** The chromium binary, or null. */
    static String chromium() {
        for (String c : new String[] {"/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome"}) {
            if (Files.isExecutable(Path.of(c))) {
                return c;
            }
        }
        return null;
    }

    static String runBrowser(Path dir, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(chromium(), "--headless", "--no-sandbox", "--disable-gpu",
                "--disable-dev-shm-usage", "--no-first-run", "--user-data-dir=" + dir.resolve("profile")));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectError(dir.resolve("chromium.err").toFile()).start();
        byte[] out = p.getInputStream().readAllBytes();
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("chromium did not finish in 120 s");
        }
        assertEquals(0, p.exitValue(), "chromium failed: " + Files.readString(dir.resolve("chromium.err")));
        return new String(out, StandardCharsets.UTF_8);
    }

    @Test
    void memctlLogsWritesAReportThatChromiumRenders(@TempDir Path dir) throws Exception {
        Path report = dir.resolve("report.html");
        Path sums = dir.resolve("summaries.jsonl");
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = Memctl.run(new String[] {"logs", "--input", "../samples/logs/services.log", "--output",
            sums.toString(), "--every-seconds", "0", "--report", report.toString()},
                new PrintStream(new ByteArrayOutputStream()), new PrintStream(err, true, StandardCharsets.UTF_8));
        assertEquals(0, code, err.toString(StandardCharsets.UTF_8));
        assertTrue(Files.size(report) > 1000);
        int expectedRows = 0;
        for (String l : Files.readAllLines(sums)) {
            expectedRows += LogSummarizerTest.JSON.readTree(l).get("templates").size();
        }
        if (chromium() == null) {
            System.out.println("LogReportTest: browser check skipped: no chromium installed (apt-get install chromium)");
            Assumptions.abort("no chromium");
        }
        String dom = runBrowser(dir, "--dump-dom", report.toUri().toString());
        assertTrue(dom.contains("data-ready=\"1\""), "the page's script ran: " + dom.substring(0, Math.min(400, dom.length())));
        assertTrue(dom.contains("data-visible-rows=\"" + expectedRows + "\""), "every template row visible");
        Path png = dir.resolve("shot.png");
        runBrowser(dir, "--screenshot=" + png, "--window-size=1200,900", "--hide-scrollbars", report.toUri().toString());
        byte[] b = Files.readAllBytes(png);
        assertTrue(b.length > 5000 && b[1] == 'P' && b[2] == 'N' && b[3] == 'G', "a PNG screenshot: " + b.length);
        String shots = System.getProperty("keymem.report.screenshot");
        if (shots != null) {
            Files.copy(png, Path.of(shots), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        }
    }
}
