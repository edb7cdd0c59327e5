package dev.keymem.jobs.logs.mining;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Go tracebacks as the Go runtime prints them (panics, a recovered re-panic, a goroutine dump; {@code
 * mining/go-panics.log}, between a service's own log lines): each function line a template of its function, each file
 * line a template of its file, none all wildcards. Before {@link GoTraceback}, every file line was masked to
 * {@code <ID> +<HEX>}, one {@code <*>} token, and every file line of every frame, with the functions of one or no
 * argument, went into one template {@code <*>}.
 */
class GoTracebackTest {
    /** A function line as Go prints it: the function, then its arguments (hex words, {@code ?}, {@code ...}, braces). */
    private static final Pattern FUNCTION = Pattern.compile("([A-Za-z_]\\S*?)\\(([0-9a-fx?., {}]*)\\)");
    /** A file line: a tab, the file and line, the frame's offset (none for an inlined frame). */
    private static final Pattern FILE = Pattern.compile("\t(\\S+\\.(?:go|s)):\\d+(?: \\+0x[0-9a-f]+)?");

    static List<String> panics() throws IOException {
        try (InputStream in = GoTracebackTest.class.getResourceAsStream("/mining/go-panics.log")) {
            List<String> out = new ArrayList<>();
            for (String l : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
                if (!l.isBlank()) {
                    out.add(l);
                }
            }
            return out;
        }
    }

    @Test
    void framesAreTemplatesOfTheirFunctionOrFile() throws IOException {
        TemplateMiner miner = new TemplateMiner();
        MinerState state = new MinerState();
        Map<String, Integer> idOf = new HashMap<>(); // a frame's function or file -> its template id
        Map<Integer, String> frameOf = new HashMap<>();
        int frames = 0;
        for (String line : panics()) {
            TemplateMiner.Match m = miner.accept(state, line);
            Matcher f = FUNCTION.matcher(line);
            Matcher p = FILE.matcher(line);
            String frame;
            String template;
            if (f.matches() && !line.startsWith("panic: ")) {
                frame = "function " + f.group(1);
                template = f.group(1) + (f.group(2).isEmpty() ? "()" : "(<*>)");
            } else if (p.matches()) {
                frame = "file " + p.group(1);
                template = p.group(1) + ":<*>";
            } else {
                continue;
            }
            frames++;
            assertEquals(template, m.template(), line);
            Integer id = idOf.putIfAbsent(frame, m.id());
            assertEquals(id == null ? m.id() : id, m.id(), "the same " + frame + " in one template: " + line);
            String other = frameOf.putIfAbsent(m.id(), frame);
            assertEquals(other == null ? frame : other, frame, "one template per frame: " + line);
        }
        assertEquals(42, frames);
        assertEquals(20, idOf.size()); // 12 functions, 8 files
        for (MinerState.Cluster c : state.clusters()) {
            assertFalse(c.template().replace("<*>", "").isBlank(), "a template of wildcards alone: " + c);
        }
    }

    @Test
    void theTracebacksOtherLinesAndTheServicesLinesKeepTheirTemplates() throws IOException {
        TemplateMiner miner = new TemplateMiner();
        MinerState state = new MinerState();
        Map<String, Integer> ids = new HashMap<>();
        for (String line : panics()) {
            TemplateMiner.Match m = miner.accept(state, line);
            if (line.startsWith("goroutine ") && line.endsWith("[running]:")) {
                assertEquals("goroutine <*> [running]:", m.template());
            }
            if (line.startsWith("panic: runtime error: invalid memory address")) {
                assertEquals(ids.computeIfAbsent("nil", k -> m.id()), m.id());
            }
            if (line.startsWith("created by main.(*Pool).Start")) {
                assertEquals(ids.computeIfAbsent("created", k -> m.id()), m.id());
            }
            if (line.contains("listening on")) {
                assertEquals(ids.computeIfAbsent("listening", k -> m.id()), m.id());
                assertEquals("listening on <*>", m.template());
            }
        }
        assertNotEquals(ids.get("nil"), ids.get("created"));
    }

    @Test
    void functionLines() {
        assertEquals("main.(*Server).handleOrder(<*>)",
                GoTraceback.masked("main.(*Server).handleOrder(0xc0001a2000, {0x7d8e40, 0xc0002b6000}, 0xc0002c4100)"));
        assertEquals("main.(*Server).ServeHTTP(<*>)", GoTraceback.masked("main.(*Server).ServeHTTP(...)"));
        assertEquals("main.main()", GoTraceback.masked("main.main()"));
        assertEquals("main.main()", GoTraceback.masked("  main.main() \r"));
        assertEquals("panic(<*>)", GoTraceback.masked("panic({0x4a0e20?, 0xc000012345?})"));
        assertEquals("runtime.gopark(<*>)", GoTraceback.masked("runtime.gopark(0x0?, 0x0?, 0x0?, 0x0?, 0x0?)"));
        assertEquals("main.(*Worker).run.func1()", GoTraceback.masked("main.(*Worker).run.func1()"));
        assertEquals("github.com/acme/api/internal/store.(*Cache).Get(<*>)",
                GoTraceback.masked("github.com/acme/api/internal/store.(*Cache).Get(0xecf33f8ff0, {0x71c2a4, 0xa5bd07cce4}, 0x77330d6131)"));
        assertEquals("main.Map[...](<*>)", GoTraceback.masked("main.Map[...]({0xc000014090, 0x3, 0x3}, 0x4b2f08)"));
        assertEquals("main.f(<*>)", GoTraceback.masked("main.f(0x1, 0x2, 0x3, 0x4, 0x5, 0x6, 0x7, 0x8, 0x9, 0xa, ...)"));
    }

    @Test
    void fileLines() {
        assertEquals("/app/internal/server/orders.go:<NUM>", GoTraceback.masked("\t/app/internal/server/orders.go:87 +0x12e"));
        assertEquals("/app/internal/server/server.go:<NUM>", GoTraceback.masked("\t/app/internal/server/server.go:61"));
        assertEquals("/usr/local/go/src/runtime/asm_amd64.s:<NUM>", GoTraceback.masked(
                "\t/usr/local/go/src/runtime/asm_amd64.s:1695 +0x1 fp=0xc000078fe8 sp=0xc000078fe0 pc=0x46a1a1"));
        assertEquals("github.com/acme/api/internal/store/cache.go:<NUM>",
                GoTraceback.masked("\tgithub.com/acme/api/internal/store/cache.go:354 +0xd22"));
        assertEquals("C:/Users/dev/go/src/app/main.go:<NUM>", GoTraceback.masked("\tC:/Users/dev/go/src/app/main.go:12 +0x25"));
        assertEquals("main.go:<NUM>", GoTraceback.masked("main.go:12 +0x25"));
        // a frame at its function's entry has no offset (GOTRACEBACK=system still prints fp= sp= pc=)
        assertEquals("/usr/local/go/src/runtime/proc.go:<NUM>", GoTraceback.masked(
                "\t/usr/local/go/src/runtime/proc.go:402 fp=0xc00005cfe0 sp=0xc00005cfc0 pc=0x43e7a0"));
    }

    @Test
    void otherLinesAreNoFrames() {
        for (String line : new String[] {
            "", "   ", "main()", ".go:12", "panic: runtime error: index out of range [5] with length 3",
            "goroutine 1 [running]:", "created by main.main in goroutine 1", "exit status 2",
            "2024/05/03 10:34:27 queue depth 723 (high water 6456)", "queue depth (0x12)", "do (a, b)",
            "\tat com.acme.billing.Pool.run(Pool.java:42)", "at com.acme.Pool.run(Pool.java:42)",
            "main.go:12: something failed", "/app/main.go:12 +0x25 extra", "/app/main.go:12 +0xzz",
            "/app/main.go:12 fp=0x1", "/app/main.go:12 +0x1 fp=0x1 sp=0x2", "/app/main.go: 12", "/app/main.go:",
            "/app/main.c:12 +0x1", "/app/my file.go:12 +0x1", "GET /api/v1/orders/40766 500 409.231ms",
            "main.f(key=value)", "main.f(\"text\")", "user name.f(0x1)", "2.f(0x1)", "main.f.(0x1)", "pan(0x1)",
            "{\"msg\":\"main.main()\"}",
        }) {
            assertNull(GoTraceback.masked(line), line);
        }
        assertEquals("panic(<*>)", GoTraceback.masked("panic(0x1)"));
        assertEquals("x.go:<NUM>", GoTraceback.masked("x.go:1"));
    }
}
