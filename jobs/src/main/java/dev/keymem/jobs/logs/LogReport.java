package dev.keymem.jobs.logs;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * One self-contained HTML page of a run's log summaries (no server, no network: inline SVG, CSS and a
 * little JavaScript). Per source: a timeline of the lines per summary period, each bar split by template
 * (the most frequent templates in colour, the rest grey), with a mark above it for every template the
 * memory flagged (new, returned, parameters changed); then each summary's templates, with the lines shown
 * verbatim. The page works without JavaScript; the script only filters the tables.
 */
public final class LogReport {
    private static final String[] COLOURS = {"#4e79a7", "#f28e2b", "#59a14f", "#b07aa1", "#76b7b2", "#edc948",
        "#ff9da7", "#9c755f"};
    private static final int W = 960;
    private static final int H = 180;

    private LogReport() {
    }

    /** The page for {@code summaries} (as {@code memctl logs} writes them), titled {@code title}. */
    public static String html(String title, List<JsonNode> summaries) {
        Map<String, List<JsonNode>> bySource = new LinkedHashMap<>();
        for (JsonNode s : summaries) {
            bySource.computeIfAbsent(s.path("source").asText(), k -> new ArrayList<>()).add(s);
        }
        bySource.values().forEach(l -> l.sort((a, b) -> Long.compare(a.path("summary").asLong(),
                b.path("summary").asLong())));
        StringBuilder h = new StringBuilder(64 * 1024);
        h.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n<title>").append(esc(title))
                .append("</title>\n<style>\n")
                .append("body{font:14px/1.4 system-ui,sans-serif;margin:24px;color:#222;background:#fafafa}\n")
                .append("h1{font-size:20px}h2{font-size:17px;margin-top:32px}\n")
                .append(".src{background:#fff;border:1px solid #ddd;border-radius:6px;padding:12px 16px;margin:16px 0}\n")
                .append("table{border-collapse:collapse;width:100%;font-size:13px}td,th{border-bottom:1px solid #eee;"
                        + "padding:3px 6px;text-align:left;vertical-align:top}\n")
                .append("td.n{text-align:right;white-space:nowrap}.v{font-family:ui-monospace,monospace;"
                        + "white-space:pre-wrap;word-break:break-all}\n")
                .append(".t{font-family:ui-monospace,monospace;color:#555;word-break:break-all}\n")
                .append(".flag{font-weight:600;border-radius:3px;padding:0 4px;color:#fff}.new{background:#c0392b}"
                        + ".returned{background:#8e44ad}.changed{background:#d35400}.variant{background:#16a085}\n")
                .append(".legend span{display:inline-block;margin-right:12px}.sw{width:10px;height:10px;"
                        + "display:inline-block;margin-right:4px}\n")
                .append("details{margin:4px 0}summary{cursor:pointer}\n")
                .append("</style></head><body>\n<h1>").append(esc(title)).append("</h1>\n");
        long lines = 0;
        long templates = 0;
        long verbatim = 0;
        for (JsonNode s : summaries) {
            lines += s.path("lines_since_last").asLong();
            for (JsonNode t : s.path("templates")) {
                templates++;
                verbatim += t.has("text") ? 1 : 0;
            }
        }
        h.append(String.format(Locale.ROOT, "<p id=\"totals\">%d sources, %d summaries, %d lines; %d template "
                + "reports, %d lines shown verbatim.</p>\n", bySource.size(), summaries.size(), lines, templates,
                verbatim));
        h.append("<p><label>Filter <input id=\"filter\" type=\"search\" placeholder=\"text or template\"></label> "
                + "<label><input id=\"onlyShown\" type=\"checkbox\"> only lines shown verbatim</label></p>\n");
        int si = 0;
        for (Map.Entry<String, List<JsonNode>> e : bySource.entrySet()) {
            source(h, si++, e.getKey(), e.getValue());
        }
        h.append("<script>\n(function(){\n")
                .append("var f=document.getElementById('filter'),o=document.getElementById('onlyShown');\n")
                .append("function apply(){var q=f.value.toLowerCase(),rows=document.querySelectorAll('tr.tpl'),n=0;\n")
                .append(" rows.forEach(function(r){var ok=(!q||r.textContent.toLowerCase().indexOf(q)>=0)&&"
                        + "(!o.checked||r.classList.contains('shown'));r.style.display=ok?'':'none';if(ok)n++;});\n")
                .append(" document.body.setAttribute('data-visible-rows',n);}\n")
                .append("f.addEventListener('input',apply);o.addEventListener('change',apply);apply();\n")
                .append("document.body.setAttribute('data-ready','1');\n})();\n</script>\n</body></html>\n");
        return h.toString();
    }

    private static void source(StringBuilder h, int si, String source, List<JsonNode> sums) {
        h.append("<div class=\"src\" id=\"source-").append(si).append("\">\n<h2>").append(esc(source)).append("</h2>\n");
        // The most frequent templates get colours.
        Map<Integer, Long> totals = new HashMap<>();
        Map<Integer, String> names = new HashMap<>();
        for (JsonNode s : sums) {
            for (JsonNode t : s.path("templates")) {
                totals.merge(t.path("id").asInt(), t.path("count").asLong(), Long::sum);
                names.put(t.path("id").asInt(), t.path("template").asText());
            }
        }
        List<Integer> top = new ArrayList<>(totals.keySet());
        top.sort((a, b) -> totals.get(b).compareTo(totals.get(a)) != 0 ? totals.get(b).compareTo(totals.get(a))
                : Integer.compare(a, b));
        Map<Integer, String> colour = new HashMap<>();
        for (int i = 0; i < Math.min(COLOURS.length, top.size()); i++) {
            colour.put(top.get(i), COLOURS[i]);
        }
        long maxLines = 1;
        for (JsonNode s : sums) {
            maxLines = Math.max(maxLines, s.path("lines_since_last").asLong());
        }
        int n = sums.size();
        double bw = (W - 60.0) / Math.max(1, n);
        int top0 = 30;
        int base = H - 20;
        h.append(String.format(Locale.ROOT, "<svg class=\"timeline\" width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\" "
                + "role=\"img\" aria-label=\"lines per summary period of %s\">\n", W, H, W, H, esc(source)));
        h.append(String.format(Locale.ROOT, "<line x1=\"50\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#999\"/>\n", base,
                W - 10, base));
        h.append(String.format(Locale.ROOT, "<text x=\"4\" y=\"%d\" font-size=\"10\">%d</text><text x=\"4\" y=\"%d\" "
                + "font-size=\"10\">0</text>\n", top0 + 10, maxLines, base));
        int flags = 0;
        for (int i = 0; i < n; i++) {
            JsonNode s = sums.get(i);
            double x = 55 + i * bw;
            double y = base;
            long other = s.path("lines_since_last").asLong();
            List<JsonNode> ts = new ArrayList<>();
            s.path("templates").forEach(ts::add);
            for (JsonNode t : ts) {
                String c = colour.get(t.path("id").asInt());
                if (c == null) {
                    continue;
                }
                long cnt = t.path("count").asLong();
                other -= cnt;
                double hgt = (base - top0) * (double) cnt / maxLines;
                y -= hgt;
                h.append(String.format(Locale.ROOT, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" "
                        + "fill=\"%s\"><title>#%d x%d: %s</title></rect>\n", x, y, Math.max(1, bw - 4), hgt, c,
                        t.path("id").asInt(), cnt, esc(t.path("template").asText())));
            }
            if (other > 0) {
                double hgt = (base - top0) * (double) other / maxLines;
                y -= hgt;
                h.append(String.format(Locale.ROOT, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" "
                        + "fill=\"#ccc\"><title>%d lines of other templates</title></rect>\n", x, y,
                        Math.max(1, bw - 4), hgt, other));
            }
            int k = 0;
            for (JsonNode t : ts) {
                if (t.has("flag")) {
                    String fl = t.path("flag").asText();
                    double fx = x + 3 + (k++ % Math.max(1, (int) ((bw - 8) / 7))) * 7;
                    double fy = 8 + 7 * (k / Math.max(1, (int) ((bw - 8) / 7)) % 3);
                    h.append(String.format(Locale.ROOT, "<path class=\"spike %s\" d=\"M%.1f %.1f l3 6 l-6 0 z\" "
                            + "fill=\"%s\"><title>%s at offset %d: %s</title></path>\n", fl, fx, fy,
                            flagColour(fl), fl,
                            t.path("offset").asLong(), esc(t.path("text").asText())));
                    flags++;
                }
            }
            h.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%d\" font-size=\"10\">#%d</text>\n", x, H - 6,
                    s.path("summary").asLong()));
        }
        h.append("</svg>\n<div class=\"legend\">");
        for (int i = 0; i < Math.min(COLOURS.length, top.size()); i++) {
            h.append("<span><i class=\"sw\" style=\"background:").append(COLOURS[i]).append("\"></i>#")
                    .append(top.get(i)).append(" <span class=\"t\">").append(esc(shorten(names.get(top.get(i)), 60)))
                    .append("</span></span>");
        }
        h.append("</div>\n<p>").append(flags).append(" flagged templates (&#9650; red: new, purple: returned, orange: "
                + "parameters changed, green: a new variant).</p>\n");
        for (JsonNode s : sums) {
            h.append(String.format(Locale.ROOT, "<details%s><summary>Summary %d: offsets %d..%d, %d lines, %d templates, "
                            + "%d shown verbatim%s</summary>\n<table><tr><th>flag</th><th>offset</th><th>count</th>"
                            + "<th>template / line</th></tr>\n", s.path("verbatim").asLong() > 0 ? " open" : "",
                    s.path("summary").asLong(), s.path("from_offset").asLong(), s.path("to_offset").asLong(),
                    s.path("lines_since_last").asLong(), s.path("templates").size(), s.path("verbatim").asLong(),
                    s.path("dropped").asLong() > 0 ? ", " + s.path("dropped").asLong() + " dropped by the budget" : ""));
            for (JsonNode t : s.path("templates")) {
                boolean shown = t.has("text");
                h.append("<tr class=\"tpl").append(shown ? " shown" : "").append("\"><td>");
                if (shown) {
                    String fl = t.path("flag").asText();
                    h.append("<span class=\"flag ").append(esc(fl)).append("\">").append(esc(fl)).append("</span>");
                }
                h.append("</td><td class=\"n\">").append(shown ? t.path("offset").asLong() : t.path("first_offset").asLong())
                        .append("</td><td class=\"n\">").append(t.path("count").asLong()).append("</td><td>");
                if (shown) {
                    h.append("<div class=\"v\">").append(esc(t.path("text").asText())).append("</div>");
                }
                h.append("<div class=\"t\">#").append(t.path("id").asInt()).append(' ')
                        .append(esc(t.path("template").asText())).append("</div></td></tr>\n");
            }
            h.append("</table></details>\n");
        }
        h.append("</div>\n");
    }

    private static String shorten(String s, int n) {
        return s == null ? "" : s.length() <= n ? s : s.substring(0, n - 1) + "\u2026";
    }

    static String esc(String s) {
        StringBuilder sb = new StringBuilder(s.length() + 16);
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '<' -> sb.append("&lt;");
                case '>' -> sb.append("&gt;");
                case '&' -> sb.append("&amp;");
                case '"' -> sb.append("&quot;");
                case '\'' -> sb.append("&#39;");
                default -> sb.append(c);
            }
        }
        return sb.toString();
    }

    /** The colour of a verbatim line's flag in the timeline. */
    private static String flagColour(String flag) {
        return switch (flag) {
            case "new" -> "#c0392b";
            case "returned" -> "#8e44ad";
            case "variant" -> "#16a085";
            default -> "#d35400";
        };
    }
}
