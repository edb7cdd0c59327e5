package dev.keymem.jobs.rpc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.annotation.Annotation;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import org.apache.flink.runtime.dispatcher.DispatcherGateway;
import org.apache.flink.runtime.jobmaster.JobMasterGateway;
import org.apache.flink.runtime.resourcemanager.ResourceManagerGateway;
import org.apache.flink.runtime.rpc.FencedRpcGateway;
import org.apache.flink.runtime.rpc.RpcGateway;
import org.apache.flink.runtime.rpc.RpcGatewayUtils;
import org.apache.flink.runtime.rpc.RpcTimeout;
import org.apache.flink.runtime.taskexecutor.TaskExecutorGateway;
import org.junit.jupiter.api.Test;

class GatewayTimeoutsTest {
    private static final String FLINK = "org.apache.flink.runtime.";

    interface NotCovered extends RpcGateway {
        CompletableFuture<Integer> within(int n, @RpcTimeout Duration timeout);
    }

    @Test
    void everyCoveredMethodsTimeoutParameterIsItsAnnotatedOne() throws Exception {
        int methods = 0;
        int withTimeout = 0;
        for (String name : GatewayTimeouts.COVERED) {
            for (Method m : Class.forName(FLINK + name).getDeclaredMethods()) {
                if (Modifier.isStatic(m.getModifiers())) {
                    continue;
                }
                Annotation[][] table = GatewayTimeouts.fromTable(m);
                assertNotNull(table, m.toString());
                int parsed = firstTimeout(m.getParameterAnnotations());
                assertEquals(parsed, firstTimeout(table), m.toString());
                assertEquals(m.getParameterCount(), table.length, m.toString());
                for (int i = 0; i < table.length; i++) {
                    assertEquals(i == parsed ? 1 : 0, table[i].length, m + " parameter " + i);
                }
                methods++;
                withTimeout += parsed >= 0 ? 1 : 0;
            }
        }
        // Flink 2.2.1's counts: a Flink that adds, drops or moves one shows here as a diff (review 24a F8)
        assertEquals(125, methods, "methods of the covered interfaces");
        assertEquals(65, withTimeout, "methods with an @RpcTimeout parameter");
    }

    @Test
    void theTableAnswersOnlyForItsFlinkVersion() throws Exception {
        assertTrue(GatewayTimeouts.tableApplies("2.2.1"));
        for (String other : new String[] {"2.2.2", "2.2.0", "2.3.0", "2.2.1-SNAPSHOT", "<unknown>", "", null}) {
            assertFalse(GatewayTimeouts.tableApplies(other), other);
        }
        // the class path's Flink is the table's: its answers are the table's, not parsed annotations
        ClassLoader flinks = RpcTimeout.class.getClassLoader();
        assertEquals(org.apache.flink.runtime.util.EnvironmentInformation.getVersion(),
                GatewayTimeouts.flinkVersion(flinks));
        assertEquals(GatewayTimeouts.TABLE_FLINK, GatewayTimeouts.flinkVersion(flinks));
        // another Flink's version file, and none: read as such
        Path dir = Files.createDirectories(Path.of("target", "gateway-timeouts-version"));
        Path other = Files.createDirectories(dir.resolve("other"));
        Files.writeString(other.resolve(GatewayTimeouts.VERSION_FILE), "#x\nproject.version=2.3.0\nscala.binary.version=2.12\n");
        Path none = Files.createDirectories(dir.resolve("none"));
        try (URLClassLoader l = new URLClassLoader(new URL[] {other.toUri().toURL()}, null);
                URLClassLoader n = new URLClassLoader(new URL[] {none.toUri().toURL()}, null)) {
            assertEquals("2.3.0", GatewayTimeouts.flinkVersion(l));
            assertFalse(GatewayTimeouts.tableApplies(GatewayTimeouts.flinkVersion(l)));
            assertNull(GatewayTimeouts.flinkVersion(n));
        }
        assertTrue(GatewayTimeouts.TABLE_APPLIES);
        Method m = DispatcherGateway.class.getMethod("getBlobServerPort", Duration.class);
        assertSame(GatewayTimeouts.fromTable(m)[0][0], GatewayTimeouts.parameterAnnotations(m)[0][0]);
        // another Flink: the method's own annotations, parsed (a new array each call), not the table's
        Annotation[][] parsed = GatewayTimeouts.parameterAnnotations(m, false);
        assertNotSame(GatewayTimeouts.fromTable(m)[0][0], parsed[0][0]);
        assertNotSame(parsed, GatewayTimeouts.parameterAnnotations(m, false));
        assertEquals(0, firstTimeout(parsed));
    }

    @Test
    void theTablesTimeoutIsAnAnnotationAsTheParsedOne() throws Exception {
        Method m = DispatcherGateway.class.getMethod("getBlobServerPort", Duration.class);
        Annotation mark = GatewayTimeouts.fromTable(m)[0][0];
        Annotation parsed = m.getParameterAnnotations()[0][0];
        assertEquals(parsed, mark);
        assertEquals(mark, parsed);
        assertEquals(parsed.hashCode(), mark.hashCode());
        assertEquals(parsed.toString(), mark.toString());
        assertFalse(mark.equals("x"));
    }

    @Test
    void theTableListsOnlyMethodsOfCoveredInterfacesThatHaveATimeout() throws Exception {
        int lines = 0;
        for (String line : GatewayTimeouts.TIMEOUTS.split("\n")) {
            String key = line.substring(0, line.indexOf(' '));
            String type = key.substring(0, key.indexOf('#'));
            String method = key.substring(key.indexOf('#') + 1, key.indexOf('/'));
            int count = Integer.parseInt(key.substring(key.indexOf('/') + 1));
            int at = Integer.parseInt(line.substring(line.indexOf(' ') + 1));
            assertTrue(GatewayTimeouts.COVERED.contains(type), line);
            boolean found = false;
            for (Method m : Class.forName(FLINK + type).getDeclaredMethods()) {
                if (m.getName().equals(method) && m.getParameterCount() == count) {
                    assertEquals(at, firstTimeout(m.getParameterAnnotations()), line);
                    found = true;
                }
            }
            assertTrue(found, line);
            lines++;
        }
        assertEquals(65, lines);
    }

    @Test
    void theFourGatewaysExtendNoInterfaceOutsideTheTable() {
        Set<String> reached = new TreeSet<>();
        Deque<Class<?>> todo = new ArrayDeque<>(List.of(DispatcherGateway.class, ResourceManagerGateway.class,
                TaskExecutorGateway.class, JobMasterGateway.class));
        Set<Class<?>> seen = new HashSet<>();
        while (!todo.isEmpty()) {
            Class<?> c = todo.poll();
            if (!seen.add(c) || c == RpcGateway.class || c == FencedRpcGateway.class) {
                continue;
            }
            reached.add(c.getName().substring(FLINK.length()));
            todo.addAll(List.of(c.getInterfaces()));
        }
        assertEquals(new TreeSet<>(GatewayTimeouts.COVERED), reached);
    }

    @Test
    void otherGatewaysMethodsAreReadFromTheirAnnotations() throws Exception {
        Method m = NotCovered.class.getMethod("within", int.class, Duration.class);
        assertNull(GatewayTimeouts.fromTable(m));
        Annotation[][] a = GatewayTimeouts.parameterAnnotations(m);
        assertEquals(1, firstTimeout(a));
        assertEquals(Duration.ofSeconds(3),
                RpcGatewayUtils.extractRpcTimeout(a, new Object[] {1, Duration.ofSeconds(3)}, Duration.ofDays(1)));
    }

    @Test
    void flinksReadingOfTheTablesAnswerIsTheSameAsOfTheAnnotations() throws Exception {
        Method m = DispatcherGateway.class.getMethod("getBlobServerPort", Duration.class);
        Annotation[][] table = GatewayTimeouts.parameterAnnotations(m);
        assertSame(table, GatewayTimeouts.parameterAnnotations(m), "answered once per method");
        Duration d = Duration.ofMillis(1234);
        assertEquals(d, RpcGatewayUtils.extractRpcTimeout(table, new Object[] {d}, Duration.ofDays(1)));
        assertEquals(RpcGatewayUtils.extractRpcTimeout(m.getParameterAnnotations(), new Object[] {d},
                Duration.ofDays(1)), RpcGatewayUtils.extractRpcTimeout(table, new Object[] {d}, Duration.ofDays(1)));
        // a wrong argument at the timeout's place fails as it does with the parsed annotations
        RuntimeException parsed = assertThrows(RuntimeException.class, () -> RpcGatewayUtils.extractRpcTimeout(
                m.getParameterAnnotations(), new Object[] {"x"}, Duration.ofDays(1)));
        RuntimeException fromTable = assertThrows(RuntimeException.class,
                () -> RpcGatewayUtils.extractRpcTimeout(table, new Object[] {"x"}, Duration.ofDays(1)));
        assertEquals(parsed.getMessage(), fromTable.getMessage());
    }

    private static int firstTimeout(Annotation[][] parameters) {
        for (int i = 0; i < parameters.length; i++) {
            for (Annotation a : parameters[i]) {
                if (a.annotationType() == RpcTimeout.class) {
                    return i;
                }
            }
        }
        return -1;
    }
}
