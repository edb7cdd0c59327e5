package dev.keymem.jobs.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;

import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;

import org.apache.flink.shaded.asm9.org.objectweb.asm.ClassReader;
import org.apache.flink.shaded.asm9.org.objectweb.asm.ClassWriter;
import org.apache.flink.shaded.asm9.org.objectweb.asm.Handle;
import org.apache.flink.shaded.asm9.org.objectweb.asm.Opcodes;
import org.apache.flink.shaded.asm9.org.objectweb.asm.tree.AbstractInsnNode;
import org.apache.flink.shaded.asm9.org.objectweb.asm.tree.ClassNode;
import org.apache.flink.shaded.asm9.org.objectweb.asm.tree.InvokeDynamicInsnNode;
import org.apache.flink.shaded.asm9.org.objectweb.asm.tree.MethodNode;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link LambdaRewrite} through {@link JarRewrite}'s jar form: classes compiled here, whose lambdas and method
 * references cover every implementation kind (static, virtual, interface, private instance and static bodies,
 * constructors public and private, a lambda in an interface, one in a nested class whose nest host is another
 * class; private bodies referenced both as {@code REF_invokeSpecial}, as Flink's classes have them, and as
 * today's javac writes them) and LambdaMetafactory's conversions (boxing, unboxing, unboxing with widening,
 * widening, casts, among them to an instantiated type narrower than the body's parameter, a result dropped), give
 * rewritten the same results and the same exceptions as the originals, hold no {@code metafactory} call site
 * afterwards, call their private bodies as nestmates (the bodies stay private), keep one instance for a
 * non-capturing site and a new one, with its own captured values, for each evaluation of a capturing one, load
 * from the written jar, and leave serializable lambdas ({@code altMetafactory}) as they were, counted; the same
 * sites are rewritten where their classes are named in a list and where they fall under the own scope (keymem's
 * own classes, by rule).
 */
class LambdaRewriteTest {
    private static final String KINDS = String.join("\n",
            "package p;",
            "import java.util.*;",
            "import java.util.function.*;",
            "public class Kinds {",
            "  public interface IntTo { Object f(int x); }",
            "  public interface IntToNumber { Number f(int x); }",
            "  public interface IntToLong { long f(int x); }",
            "  public interface IntToDouble { double f(int x); }",
            "  public interface Wide { double f(byte b, char c, short s, int i, long l, float g); }",
            "  private int base = 7;",
            "  public Kinds() {}",
            "  private Kinds(String s) { base = s.length(); }",
            "  @Override public String toString() { return \"K\" + base; }",
            "  private static String secret(String s) { return \"<\" + s + \">\"; }",
            "  private String inst(String s) { return s + base; }",
            "  static long twice(long v) { return 2 * v; }",
            "  static int code(int c) { return c + 1; }",
            "  static String show(Object o) { return o.getClass().getSimpleName() + \":\" + o; }",
            "  static String num(Number n) { return n.getClass().getSimpleName() + \":\" + n; }",
            "  static double all(double b, double c, double s, double i, double l, double g) {",
            "    return b + 10 * c + 100 * s + 1000 * i + 10000 * l + 100000 * g; }",
            "  public static Object staticNoCapture(String s) { Function<String, String> f = x -> x + \"!\"; return f.apply(s); }",
            "  public static Object staticCapture(String s, int n, long l, double d, char c) {",
            "    Supplier<String> f = () -> s + n + l + d + c; return f.get(); }",
            "  public Object instanceCapture(String s) { Function<String, String> f = x -> x + base + s; return f.apply(\"a\"); }",
            "  public static Object privateStaticRef(String s) { Function<String, String> f = Kinds::secret; return f.apply(s); }",
            "  public Object privateInstanceRef(String s) { Function<String, String> f = this::inst; return f.apply(s); }",
            "  public static Object unboundVirtual(String s) { Function<String, Integer> f = String::length; return f.apply(s); }",
            "  public static Object boundVirtual(String s) { Supplier<String> f = s::trim; return f.get(); }",
            "  public static Object unboundInterface(List<String> l) { Function<List<String>, Integer> f = List::size; return f.apply(l); }",
            "  public static Object boundInterface(List<String> l) { Supplier<Integer> f = l::size; return f.get(); }",
            "  public static Object publicCtor(String s) { Function<String, StringBuilder> f = StringBuilder::new; return f.apply(s).reverse(); }",
            "  public static Object privateCtor(String s) { Function<String, Kinds> f = Kinds::new; return f.apply(s); }",
            "  public static Object noArgCtor() { Supplier<Kinds> f = Kinds::new; return f.get(); }",
            "  public static Object arrayCtor(int n) { IntFunction<String[]> f = String[]::new; return f.apply(n).length; }",
            "  public static Object boxToObject(int x) { IntTo f = Kinds::show; return f.f(x); }",
            "  public static Object boxToNumber(int x) { IntToNumber f = Integer::valueOf; return f.f(x).getClass().getName() + f.f(x); }",
            "  public static Object boxCastNumber(int x) { IntTo f = Kinds::num; return f.f(x); }",
            "  public static Object unbox(Integer x) { ToIntFunction<Integer> f = Math::abs; return f.applyAsInt(x); }",
            "  public static Object unboxWiden(Integer x) { ToLongFunction<Integer> f = Kinds::twice; return f.applyAsLong(x); }",
            "  public static Object unboxChar(Character x) { ToIntFunction<Character> f = Kinds::code; return f.applyAsInt(x); }",
            "  public static Object objectToInt(Map<String, Integer> m) { ToIntFunction<Map.Entry<String, Integer>> f = Map.Entry::getValue; return f.applyAsInt(m.entrySet().iterator().next()); }",
            "  public static Object objectToLong(Map<String, Integer> m) { ToLongFunction<Map.Entry<String, Integer>> f = Map.Entry::getValue; return f.applyAsLong(m.entrySet().iterator().next()); }",
            "  public static Object objectToBoolean(Map<String, Boolean> m) { Predicate<Map.Entry<String, Boolean>> f = Map.Entry::getValue; return f.test(m.entrySet().iterator().next()); }",
            "  public static Object widenReturn(int x) { IntToLong f = Math::abs; return f.f(x); }",
            "  public static Object widenArgument(int x) { IntToDouble f = Math::sqrt; return f.f(x); }",
            "  public static Object widenAll() { Wide f = Kinds::all; return f.f((byte) 1, (char) 2, (short) 3, 4, 5L, 6f); }",
            "  public static Object boxReturn(String s) { Function<String, Long> f = Long::parseLong; return f.apply(s); }",
            "  public static Object dropInt(String s) { List<String> l = new ArrayList<>(); Consumer<String> c = l::add; c.accept(s); return l; }",
            "  public static Object dropLong(String s) { Consumer<String> c = Long::parseLong; c.accept(s); return s; }",
            "  public static Object castArgument(Object o) {",
            "    @SuppressWarnings(\"unchecked\") Function<Object, Integer> f = (Function<Object, Integer>) (Function<?, ?>) (Function<String, Integer>) String::length;",
            "    return f.apply(o); }",
            "  public static Object sorted(List<String> l) { List<String> c = new ArrayList<>(l); c.sort(Comparator.comparing(String::length).thenComparing(Comparator.reverseOrder())); return c; }",
            "  public static Object stream(List<String> l) { return l.stream().filter(s -> !s.isEmpty()).map(String::toUpperCase).mapToInt(String::length).sum(); }",
            "  @SuppressWarnings({\"unchecked\", \"rawtypes\"})",
            "  public static Object narrowed(Object o) { Function<String, String> f = Kinds::show; Function raw = f; return raw.apply(o); }",
            "  public static Supplier<String> capture(String s, int n) { return () -> s + n; }",
            "  public static Runnable nothing() { return () -> { }; }",
            "  public static Runnable serializable() { return (Runnable & java.io.Serializable) () -> { }; }",
            "  public static Object fromInterface(String s) { Named n = () -> s; return n.greeting(\"hi\").get(); }",
            "  public static Object fromNested(int v) { return new Nested(v).get().get(); }",
            "  public static class Nested {",
            "    private final int v;",
            "    Nested(int v) { this.v = v; }",
            "    private int times(int k) { return v * k; }",
            "    Supplier<Integer> get() { return () -> times(3); }",
            "  }",
            "}");
    private static final String NAMED = String.join("\n",
            "package p;",
            "import java.util.function.Supplier;",
            "public interface Named {",
            "  String name();",
            "  default Supplier<String> greeting(String g) { return () -> g + \", \" + name() + tail(); }",
            "  private String tail() { return \"!\"; }",
            "}");

    /** Each case's method and its arguments. */
    private static final Object[][] CASES = {
        {"staticNoCapture", "s"}, {"staticCapture", "s", 3, 4L, 0.5, 'c'}, {"privateStaticRef", "x"},
        {"unboundVirtual", "four"}, {"boundVirtual", "  t  "}, {"unboundInterface", List.of("a", "b")},
        {"boundInterface", List.of("a")}, {"publicCtor", "abc"}, {"privateCtor", "hello"}, {"noArgCtor"},
        {"arrayCtor", 5}, {"boxToObject", 9}, {"boxToNumber", 10}, {"boxCastNumber", -1}, {"unbox", -12},
        {"unboxWiden", Integer.MAX_VALUE}, {"unboxChar", 'A'}, {"widenReturn", Integer.MIN_VALUE},
        {"widenArgument", 2}, {"objectToInt", Map.of("a", -5)}, {"objectToLong", Map.of("a", 7)},
        {"objectToBoolean", Map.of("a", true)}, {"objectToInt", java.util.Collections.singletonMap("a", null)}, {"widenAll"}, {"boxReturn", "123456789012"}, {"dropInt", "x"},
        {"dropLong", "77"}, {"castArgument", "five!"}, {"castArgument", 42}, {"castArgument", null},
        {"unbox", null}, {"boxReturn", "x"}, {"sorted", List.of("bb", "a", "ccc", "aa", "c")},
        {"stream", List.of("a", "", "bcd")}, {"fromInterface", "Ann"}, {"fromNested", 5},
        {"narrowed", "s"}, {"narrowed", 42}, {"narrowed", null},
    };

    @TempDir
    static Path dir;
    private static Map<String, byte[]> original;
    private static Map<String, byte[]> rewritten;
    private static JarRewrite.Summary summary;
    private static Path jar;

    @BeforeAll
    static void compileAndRewrite() throws IOException {
        Path src = dir.resolve("src/p");
        Files.createDirectories(src);
        Files.writeString(src.resolve("Kinds.java"), KINDS);
        Files.writeString(src.resolve("Named.java"), NAMED);
        Path out = dir.resolve("classes");
        Files.createDirectories(out);
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        assertNotNull(javac, "a JDK's compiler");
        int rc = javac.run(null, null, null, "--release", "17", "-d", out.toString(),
                src.resolve("Kinds.java").toString(), src.resolve("Named.java").toString());
        assertEquals(0, rc);
        original = new TreeMap<>();
        try (Stream<Path> files = Files.walk(out)) {
            for (Path f : (Iterable<Path>) files.filter(f -> f.toString().endsWith(".class"))::iterator) {
                original.put(out.relativize(f).toString(), Files.readAllBytes(f));
            }
        }
        for (String host : List.of("p/Kinds.class", "p/Named.class")) {
            original.put(host, asInvokeSpecial(original.get(host)));
        }
        jar = dir.resolve("kinds.jar");
        try (OutputStream os = Files.newOutputStream(jar); ZipOutputStream zip = new ZipOutputStream(os)) {
            for (Map.Entry<String, byte[]> e : original.entrySet()) {
                zip.putNextEntry(new ZipEntry(e.getKey()));
                zip.write(e.getValue());
                zip.closeEntry();
            }
        }
        // p/Gone is not in the jar, q/Outside is out of scope: both counted as missing hosts
        summary = JarRewrite.inline(jar, "p/", b -> b,
                Set.of("p/Kinds", "p/Named", "p/Kinds$Nested", "p/Gone", "q/Outside"));
        rewritten = new TreeMap<>();
        try (ZipFile zip = new ZipFile(jar.toFile())) {
            for (ZipEntry e : java.util.Collections.list(zip.entries())) {
                rewritten.put(e.getName(), zip.getInputStream(e).readAllBytes());
            }
        }
    }

    /**
     * The class with its lambda sites whose implementation is a private instance method of the class itself
     * referenced as {@code REF_invokeSpecial}, as javac before JDK 15 wrote them (and Flink's classes carry them:
     * a third of its sites); today's javac writes {@code REF_invokeVirtual} or {@code REF_invokeInterface} there.
     * The JDK links both. {@code Kinds$Nested} is left as compiled, so the newer form stays covered too.
     */
    private static byte[] asInvokeSpecial(byte[] bytes) {
        ClassNode node = new ClassNode();
        new ClassReader(bytes).accept(node, 0);
        Set<String> privateInstance = new java.util.HashSet<>();
        for (MethodNode m : node.methods) {
            if ((m.access & Opcodes.ACC_PRIVATE) != 0 && (m.access & Opcodes.ACC_STATIC) == 0) {
                privateInstance.add(m.name + m.desc);
            }
        }
        int patched = 0;
        for (InvokeDynamicInsnNode site : metafactorySites(node)) {
            Handle h = (Handle) site.bsmArgs[1];
            if ((h.getTag() == Opcodes.H_INVOKEVIRTUAL || h.getTag() == Opcodes.H_INVOKEINTERFACE)
                    && h.getOwner().equals(node.name) && privateInstance.contains(h.getName() + h.getDesc())) {
                site.bsmArgs[1] = new Handle(Opcodes.H_INVOKESPECIAL, h.getOwner(), h.getName(), h.getDesc(),
                        h.isInterface());
                patched++;
            }
        }
        assertTrue(patched > 0, node.name);
        ClassWriter w = new ClassWriter(0);
        node.accept(w);
        return w.toByteArray();
    }

    private static ClassLoader loader(Map<String, byte[]> entries) {
        Map<String, byte[]> classes = new HashMap<>();
        entries.forEach((name, bytes) -> {
            if (name.endsWith(".class")) {
                classes.put(name.replace('/', '.').replaceAll("\\.class$", ""), bytes);
            }
        });
        return new ClassLoader(LambdaRewriteTest.class.getClassLoader()) {
            @Override
            protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
                synchronized (getClassLoadingLock(name)) {
                    byte[] b = classes.get(name);
                    if (b == null) {
                        return super.loadClass(name, resolve);
                    }
                    Class<?> c = findLoadedClass(name);
                    return c != null ? c : defineClass(name, b, 0, b.length);
                }
            }
        };
    }

    private static List<InvokeDynamicInsnNode> metafactorySites(byte[] bytes) {
        ClassNode node = new ClassNode();
        new ClassReader(bytes).accept(node, 0);
        return metafactorySites(node);
    }

    private static List<InvokeDynamicInsnNode> metafactorySites(ClassNode node) {
        List<InvokeDynamicInsnNode> sites = new ArrayList<>();
        for (MethodNode m : node.methods) {
            for (AbstractInsnNode insn : m.instructions) {
                if (insn instanceof InvokeDynamicInsnNode
                        && ((InvokeDynamicInsnNode) insn).bsm.getOwner().equals("java/lang/invoke/LambdaMetafactory")) {
                    sites.add((InvokeDynamicInsnNode) insn);
                }
            }
        }
        return sites;
    }

    @Test
    void everyPlainSiteIsRewrittenAndTheSerializableOneIsLeftCounted() {
        int before = 0;
        for (String name : List.of("p/Kinds.class", "p/Named.class", "p/Kinds$Nested.class")) {
            before += metafactorySites(original.get(name)).size();
        }
        List<InvokeDynamicInsnNode> left = metafactorySites(rewritten.get("p/Kinds.class"));
        // the serializable lambda's site and its re-creation in $deserializeLambda$
        assertEquals(2, left.size(), "only the serializable lambda's sites stay");
        for (InvokeDynamicInsnNode site : left) {
            assertEquals("altMetafactory", site.bsm.getName());
        }
        assertTrue(metafactorySites(rewritten.get("p/Named.class")).isEmpty());
        assertTrue(metafactorySites(rewritten.get("p/Kinds$Nested.class")).isEmpty());
        assertEquals(before - 2, summary.lambdaSites);
        assertEquals(summary.lambdaSites, summary.addedClasses.size());
        assertEquals(Map.of("not LambdaMetafactory.metafactory", 2), summary.lambdasLeft);
        assertEquals(2, summary.lambdaHostsMissing);
        String notice = new String(rewritten.get(JarRewrite.MODIFICATIONS), StandardCharsets.UTF_8);
        for (String added : summary.addedClasses.keySet()) {
            assertTrue(rewritten.containsKey(added), added);
            assertTrue(notice.contains(added), added);
        }
        assertTrue(notice.contains("p/Kinds.class"));
    }

    @Test
    void rewrittenClassesGiveTheOriginalsResultsAndExceptions() throws Exception {
        Class<?> a = loader(original).loadClass("p.Kinds");
        Class<?> b = loader(rewritten).loadClass("p.Kinds");
        for (Object[] c : CASES) {
            String name = (String) c[0];
            Object[] args = java.util.Arrays.copyOfRange(c, 1, c.length);
            assertEquals(outcome(a, name, args), outcome(b, name, args), name + java.util.Arrays.toString(args));
        }
        Object ka = a.getConstructor().newInstance();
        Object kb = b.getConstructor().newInstance();
        for (String name : List.of("instanceCapture", "privateInstanceRef")) {
            assertEquals(outcome(ka, name, "q"), outcome(kb, name, "q"), name);
        }
        assertTrue(outcome(b, "castArgument", 42).startsWith("threw java.lang.ClassCastException"));
        assertTrue(outcome(b, "unbox", (Object) null).startsWith("threw java.lang.NullPointerException"));
        // the instantiated type (String) is narrower than show's parameter (Object): the argument is cast to it
        assertTrue(outcome(b, "narrowed", 42).startsWith("threw java.lang.ClassCastException"));
        assertEquals("java.lang.String:String:s", outcome(b, "narrowed", "s"));
    }

    @Test
    void theAddedClassesAreNestmatesAndThePrivateBodiesStayPrivate() throws Exception {
        ClassLoader l = loader(rewritten);
        Class<?> kinds = l.loadClass("p.Kinds");
        Object nested = kinds.getMethod("fromNested", int.class).invoke(null, 2);
        assertEquals(6, nested);
        int seen = 0;
        for (String added : summary.addedClasses.keySet()) {
            Class<?> c = l.loadClass(added.replace('/', '.').replaceAll("\\.class$", ""));
            Class<?> host = added.startsWith("p/Named") ? l.loadClass("p.Named") : kinds;
            assertSame(host, c.getNestHost(), added);
            assertTrue(Modifier.isFinal(c.getModifiers()) && c.isSynthetic(), added);
            seen++;
        }
        assertTrue(seen > 25);
        for (Method m : kinds.getDeclaredMethods()) {
            if (m.getName().startsWith("lambda$") || m.getName().equals("secret") || m.getName().equals("inst")) {
                assertTrue(Modifier.isPrivate(m.getModifiers()), m.toString());
            }
        }
        for (Method m : l.loadClass("p.Kinds$Nested").getDeclaredMethods()) {
            if (m.getName().startsWith("lambda$") || m.getName().equals("times")) {
                assertTrue(Modifier.isPrivate(m.getModifiers()), m.toString());
            }
        }
    }

    @Test
    void aNonCapturingSiteGivesOneInstanceACapturingOneANewOne() throws Exception {
        Class<?> b = loader(rewritten).loadClass("p.Kinds");
        Method nothing = b.getMethod("nothing");
        Object first = nothing.invoke(null);
        assertSame(first, nothing.invoke(null));
        assertTrue(first.getClass().getName().contains(LambdaRewrite.SUFFIX), first.getClass().getName());
        Object serializable = b.getMethod("serializable").invoke(null);
        assertFalse(serializable.getClass().getName().contains(LambdaRewrite.SUFFIX));
        Class<?> named = loader(rewritten).loadClass("p.Kinds");
        Method greet = named.getMethod("fromInterface", String.class);
        assertEquals("hi, Bo!", greet.invoke(null, "Bo"));
        Class<?> a = loader(original).loadClass("p.Kinds");
        assertSame(a.getMethod("nothing").invoke(null), a.getMethod("nothing").invoke(null));
        Method capture = b.getMethod("capture", String.class, int.class);
        @SuppressWarnings("unchecked")
        java.util.function.Supplier<String> x = (java.util.function.Supplier<String>) capture.invoke(null, "x", 1);
        @SuppressWarnings("unchecked")
        java.util.function.Supplier<String> y = (java.util.function.Supplier<String>) capture.invoke(null, "y", 2);
        assertNotSame(x, y);
        assertSame(x.getClass(), y.getClass());
        assertTrue(x.getClass().getName().contains(LambdaRewrite.SUFFIX), x.getClass().getName());
        // each keeps its own captured values after the other was made
        assertEquals("x1", x.get());
        assertEquals("y2", y.get());
    }

    /**
     * keymem's own classes by rule (JarRewrite's {@code ownScope}, {@value JarRewrite#OWN_SCOPE} in the build): with
     * no host listed and the listed scope empty, every class under the own scope with a metafactory site is
     * rewritten, the same sites as when listed (a nest member's nest host under the own scope too), the
     * serializable ones left, the classes without a site unchanged, and the rewritten classes run as the originals.
     */
    @Test
    void theOwnScopeRewritesEveryClassWithASiteWithoutAList() throws Exception {
        Path ownJar = write(original, "own.jar");
        JarRewrite.Summary own = JarRewrite.inline(ownJar, "none/", b -> b, Set.of(), "p/");
        assertEquals(summary.lambdaSites, own.lambdaSites);
        assertEquals(own.lambdaSites, own.ownLambdaSites);
        assertEquals(3, own.ownLambdaHosts, "Kinds, Named, Kinds$Nested");
        assertEquals(0, own.lambdaHostsMissing);
        assertEquals(Map.of("not LambdaMetafactory.metafactory", 2), own.lambdasLeft);
        assertEquals(summary.addedClasses.keySet(), own.addedClasses.keySet());
        Map<String, byte[]> after = new TreeMap<>();
        try (ZipFile zip = new ZipFile(ownJar.toFile())) {
            for (ZipEntry e : java.util.Collections.list(zip.entries())) {
                after.put(e.getName(), zip.getInputStream(e).readAllBytes());
            }
        }
        for (Map.Entry<String, byte[]> e : original.entrySet()) {
            boolean host = List.of("p/Kinds.class", "p/Named.class", "p/Kinds$Nested.class").contains(e.getKey());
            assertEquals(!host, java.util.Arrays.equals(e.getValue(), after.get(e.getKey())), e.getKey());
        }
        assertTrue(metafactorySites(after.get("p/Named.class")).isEmpty());
        Class<?> a = loader(original).loadClass("p.Kinds");
        Class<?> b = loader(after).loadClass("p.Kinds");
        for (Object[] c : CASES) {
            Object[] args = java.util.Arrays.copyOfRange(c, 1, c.length);
            assertEquals(outcome(a, (String) c[0], args), outcome(b, (String) c[0], args), (String) c[0]);
        }
        assertEquals(6, b.getMethod("fromNested", int.class).invoke(null, 2));
        assertEquals(own.addedClasses.size(), JarRewrite.loadAddedClasses(ownJar, own.addedClasses.keySet()));
        // without the own scope nothing is rewritten
        Path plainJar = write(original, "plain.jar");
        assertEquals(0, JarRewrite.inline(plainJar, "none/", b2 -> b2, Set.of()).lambdaSites);
    }

    /** The classes javac makes of {@code sources} (file name under src/ to text) in directory {@code name}. */
    private static Map<String, byte[]> compile(String name, Map<String, String> sources) throws IOException {
        Path src = dir.resolve(name).resolve("src");
        Path out = dir.resolve(name).resolve("classes");
        List<String> args = new ArrayList<>(List.of("--release", "17", "-d", out.toString()));
        for (Map.Entry<String, String> e : sources.entrySet()) {
            Path f = src.resolve(e.getKey());
            Files.createDirectories(f.getParent());
            Files.writeString(f, e.getValue());
            args.add(f.toString());
        }
        Files.createDirectories(out);
        assertEquals(0, ToolProvider.getSystemJavaCompiler().run(null, null, null, args.toArray(new String[0])));
        Map<String, byte[]> classes = new TreeMap<>();
        try (Stream<Path> files = Files.walk(out)) {
            for (Path f : (Iterable<Path>) files.filter(f -> f.toString().endsWith(".class"))::iterator) {
                classes.put(out.relativize(f).toString(), Files.readAllBytes(f));
            }
        }
        return classes;
    }

    private static Map<String, byte[]> entries(Path jarFile) throws IOException {
        Map<String, byte[]> all = new TreeMap<>();
        try (ZipFile zip = new ZipFile(jarFile.toFile())) {
            for (ZipEntry e : java.util.Collections.list(zip.entries())) {
                all.put(e.getName(), zip.getInputStream(e).readAllBytes());
            }
        }
        return all;
    }

    /**
     * Review 23c F6: a handle that names a class of the nest ({@code p/Sub}, the host) for a method it inherits as
     * protected from a class of another package ({@code q/Base}). javac writes a {@code lambda$} body for such a
     * reference; the handle is patched to name the inherited method, which the JDK links (through a method handle).
     * The added class, no subclass of {@code q/Base}, could not call it: the site is left, counted, and the class
     * gives the original's result (without the check: IllegalAccessError at the call). {@code p/Sub} declares an
     * overload {@code hello(int)} (review 24a F1): a check by name alone would take the inherited {@code hello()}
     * for one the nest declares.
     */
    @Test
    void aProtectedMethodTheNestInheritsFromAnotherPackageIsLeft() throws Exception {
        Map<String, byte[]> classes = compile("f6", Map.of(
                "q/Base.java", "package q; public class Base { protected String hello() { return \"hello\"; } }",
                "p/Sub.java", String.join("\n", "package p;", "public class Sub extends q.Base {",
                        "  public static String run() { return new Sub().get().get(); }",
                        "  java.util.function.Supplier<String> get() { return this::hello; }",
                        "  public String hello(int n) { return \"n\"; }", "}")));
        ClassNode node = new ClassNode();
        new ClassReader(classes.get("p/Sub.class")).accept(node, 0);
        List<InvokeDynamicInsnNode> sites = metafactorySites(node);
        assertEquals(1, sites.size());
        sites.get(0).bsmArgs[1] = new Handle(Opcodes.H_INVOKEVIRTUAL, "p/Sub", "hello", "()Ljava/lang/String;",
                false);
        ClassWriter w = new ClassWriter(0);
        node.accept(w);
        classes.put("p/Sub.class", w.toByteArray());
        Path f6 = write(classes, "f6.jar");
        JarRewrite.Summary s = JarRewrite.inline(f6, "p/", b -> b, Set.of("p/Sub"));
        assertEquals(0, s.lambdaSites);
        assertEquals(Map.of("method not public, or protected in another package", 1), s.lambdasLeft);
        assertEquals("java.lang.String:hello", outcome(loader(classes).loadClass("p.Sub"), "run"));
        assertEquals("java.lang.String:hello", outcome(loader(entries(f6)).loadClass("p.Sub"), "run"));
    }

    /**
     * Review 23c F10: a capturing site whose functional interface's method is itself named {@code create} with
     * the factory's descriptor ({@code (String)Chain}), and one whose interface inherits a default method of that
     * name and descriptor: the added class's static {@code create} would duplicate the one (ClassFormatError at
     * the site's first run) and hide the other (IncompatibleClassChangeError through the interface). Both sites
     * are left, counted; the other capturing site of the class is rewritten; results are the original's.
     */
    @Test
    void aFactoryNameTheInterfaceUsesLeavesTheSite() throws Exception {
        Map<String, byte[]> classes = compile("f10", Map.of("p/Chains.java", String.join("\n",
                "package p;",
                "public class Chains {",
                "  public interface Chain { Chain create(String s); }",
                "  public interface Base { default Named create(String s) { return () -> \"base\"; } }",
                "  public interface Named extends Base { String name(); }",
                "  static Chain chain(String prefix) { return s -> prefix.length() > 3 ? null : chain(prefix + s); }",
                "  static Named named(String n) { return () -> n; }",
                "  static java.util.function.Supplier<String> plain(String n) { return () -> n + n; }",
                "  public static String run() {",
                "    Chain c = chain(\"a\").create(\"b\");",
                "    Named n = named(\"x\");",
                "    return c.getClass().getSimpleName().isEmpty() + \",\" + n.name() + \",\" + n.create(\"y\").name()",
                "        + \",\" + plain(\"z\").get();",
                "  }",
                "}")));
        Path f10 = write(classes, "f10.jar");
        JarRewrite.Summary s = JarRewrite.inline(f10, "p/", b -> b, Set.of("p/Chains", "p/Chains$Base"));
        assertEquals(Map.of("functional interface has a method create of the factory's descriptor", 2),
                s.lambdasLeft);
        assertEquals(2, s.lambdaSites, "plain's capturing site and Base's non-capturing one");
        String expected = outcome(loader(classes).loadClass("p.Chains"), "run");
        assertEquals("java.lang.String:false,x,base,zz", expected);
        assertEquals(expected, outcome(loader(entries(f10)).loadClass("p.Chains"), "run"));
        assertEquals(s.addedClasses.size(), JarRewrite.loadAddedClasses(f10, s.addedClasses.keySet()));
    }

    /**
     * A host whose lambda rewrite fails JarRewrite's check keeps its string concatenation rewrite, and is counted
     * as a lambda host left, not as a class left as shaded: {@code after} breaks only the lambda rewrite's
     * output (the class without metafactory sites) of Kinds, whose concatenations are rewritten too.
     */
    @Test
    void aLambdaHostThatFailsTheCheckKeepsItsConcatenationRewrite() throws Exception {
        Path broken = write(original, "broken.jar");
        JarRewrite.Summary s = JarRewrite.inline(broken, "p/", b -> {
            ClassNode node = new ClassNode();
            new ClassReader(b).accept(node, 0);
            boolean lambdaRewritten = metafactorySites(node).stream()
                    .allMatch(i -> i.bsm.getName().equals("altMetafactory"));
            if (!lambdaRewritten || !node.name.equals("p/Kinds")) {
                return b;
            }
            for (MethodNode m : node.methods) {
                if (m.instructions.size() > 0) {
                    m.instructions.insert(
                            new org.apache.flink.shaded.asm9.org.objectweb.asm.tree.InsnNode(Opcodes.POP));
                    break;
                }
            }
            ClassWriter w = new ClassWriter(0);
            node.accept(w);
            return w.toByteArray();
        }, Set.of("p/Kinds", "p/Named", "p/Kinds$Nested"));
        assertTrue(s.sites > 0, "Kinds has string concatenations");
        assertTrue(s.left.isEmpty(), s.left.toString());
        assertEquals(Set.of("p/Kinds.class"), s.lambdaHostsLeft.keySet());
        byte[] kinds = entries(broken).get("p/Kinds.class");
        assertFalse(java.util.Arrays.equals(original.get("p/Kinds.class"), kinds));
        assertTrue(metafactorySites(kinds).stream().anyMatch(i -> i.bsm.getName().equals("metafactory")),
                "its lambda sites left");
        org.junit.jupiter.api.Assertions.assertArrayEquals(s.changed.get("p/Kinds.class"), kinds,
                "its concatenation rewrite");
        assertEquals("hi, Bo!", loader(entries(broken)).loadClass("p.Kinds").getMethod("fromInterface", String.class)
                .invoke(null, "Bo"));
    }

    private static String outcome(Object target, String name, Object... args) throws IllegalAccessException {
        Class<?> c = target instanceof Class ? (Class<?>) target : target.getClass();
        Method method = null;
        for (Method m : c.getMethods()) {
            if (m.getName().equals(name) && m.getParameterCount() == args.length) {
                method = m;
            }
        }
        assertNotNull(method, name);
        try {
            Object r = method.invoke(target instanceof Class ? null : target, args);
            return r == null ? "null" : r.getClass().getName() + ":" + r;
        } catch (InvocationTargetException e) {
            return "threw " + e.getCause().getClass().getName();
        }
    }

    /**
     * {@link JarRewrite#loadAddedClasses}, the build's check of the written jar: every added class of the
     * rewritten jar loads, verifies, initializes and has its host's nest host; a class under another's name, and
     * one whose nest host attribute is gone, are each reported.
     */
    @Test
    void theAddedClassesLoadFromTheWrittenJarAndABrokenOneIsReported() throws Exception {
        assertEquals(summary.addedClasses.size(), JarRewrite.loadAddedClasses(jar, summary.addedClasses.keySet()));
        List<String> added = new ArrayList<>(summary.addedClasses.keySet());
        String first = added.get(0);
        String second = added.get(1);
        Map<String, byte[]> swapped = new TreeMap<>(rewritten);
        swapped.put(first, rewritten.get(second));
        Path wrongName = write(swapped, "wrong-name.jar");
        JarRewrite.AddedClassesFail e = org.junit.jupiter.api.Assertions.assertThrows(JarRewrite.AddedClassesFail.class,
                () -> JarRewrite.loadAddedClasses(wrongName, added));
        assertTrue(e.getMessage().startsWith("1 of " + added.size() + " added classes"), e.getMessage());
        assertTrue(e.getMessage().contains(first.replace('/', '.').replaceAll("\\.class$", "")), e.getMessage());

        ClassNode node = new ClassNode();
        new ClassReader(rewritten.get(first)).accept(node, 0);
        node.nestHostClass = null;
        ClassWriter w = new ClassWriter(0);
        node.accept(w);
        Map<String, byte[]> outOfNest = new TreeMap<>(rewritten);
        outOfNest.put(first, w.toByteArray());
        Path noNest = write(outOfNest, "no-nest.jar");
        e = org.junit.jupiter.api.Assertions.assertThrows(JarRewrite.AddedClassesFail.class,
                () -> JarRewrite.loadAddedClasses(noNest, added));
        assertTrue(e.getMessage().contains("nest host"), e.getMessage());
    }

    /**
     * A listed host under {@value JarRewrite#LISTED_LIBRARY} (Lucene's, beside the listed scope) is rewritten, its
     * nest host (a listed class's outer class, not listed itself) given the added class; the same class listed
     * under another library's package is counted as not in the jar under the scope and left; the real host
     * list names only classes under the scope or that library.
     */
    @Test
    void aListedHostOfTheListedLibraryIsRewrittenAndOthersAreLeft() throws Exception {
        String body = "  public static java.util.function.Supplier<String> get(String s) { return () -> s + \"!\"; }\n";
        Map<String, byte[]> lib = compile("listed-library", Map.of(
                "org/apache/lucene/x/Outer.java", "package org.apache.lucene.x;\npublic class Outer {\n"
                        + "  public static class Inner {\n" + body + "  }\n}\n",
                "org/other/y/Outer.java", "package org.other.y;\npublic class Outer {\n"
                        + "  public static class Inner {\n" + body + "  }\n}\n"));
        Path libJar = write(lib, "listed-library.jar");
        JarRewrite.Summary s = JarRewrite.inline(libJar, "none/", b -> b,
                Set.of("org/apache/lucene/x/Outer$Inner", "org/other/y/Outer$Inner"), null);
        assertEquals(1, s.lambdaSites);
        assertEquals(1, s.lambdaHostsMissing, "org/other/y is neither the scope nor the listed library");
        assertEquals(Set.of("org/apache/lucene/x/Outer$Inner.class", "org/apache/lucene/x/Outer.class"),
                new java.util.HashSet<>(s.changed.keySet()));
        Map<String, byte[]> after = entries(libJar);
        assertArrayEquals(lib.get("org/other/y/Outer$Inner.class"), after.get("org/other/y/Outer$Inner.class"));
        assertEquals(1, JarRewrite.loadAddedClasses(libJar, s.addedClasses.keySet()));
        Class<?> inner = loader(after).loadClass("org.apache.lucene.x.Outer$Inner");
        @SuppressWarnings("unchecked")
        java.util.function.Supplier<String> got = (java.util.function.Supplier<String>) inner
                .getMethod("get", String.class).invoke(null, "a");
        assertEquals("a!", got.get());
        assertTrue(got.getClass().getName().contains(LambdaRewrite.SUFFIX), got.getClass().getName());
        for (String host : JarRewrite.lambdaHosts()) {
            assertTrue(host.startsWith(JarRewrite.SCOPE) || host.startsWith(JarRewrite.LISTED_LIBRARY), host);
        }
    }

    private static Path write(Map<String, byte[]> entries, String name) throws IOException {
        Path jarFile = dir.resolve(name);
        try (OutputStream os = Files.newOutputStream(jarFile); ZipOutputStream zip = new ZipOutputStream(os)) {
            for (Map.Entry<String, byte[]> e : entries.entrySet()) {
                zip.putNextEntry(new ZipEntry(e.getKey()));
                zip.write(e.getValue());
                zip.closeEntry();
            }
        }
        return jarFile;
    }

    @Test
    void everyHandleKindIsCovered() {
        Set<Integer> kinds = new java.util.HashSet<>();
        for (String name : List.of("p/Kinds.class", "p/Named.class", "p/Kinds$Nested.class")) {
            for (InvokeDynamicInsnNode site : metafactorySites(original.get(name))) {
                kinds.add(((Handle) site.bsmArgs[1]).getTag());
            }
        }
        // static, virtual, special (private bodies of Kinds and Named), interface, constructor
        assertEquals(Set.of(Opcodes.H_INVOKESTATIC, Opcodes.H_INVOKEVIRTUAL, Opcodes.H_INVOKESPECIAL,
                Opcodes.H_INVOKEINTERFACE, Opcodes.H_NEWINVOKESPECIAL), kinds);
        // a private body of a class and one of an interface through REF_invokeSpecial, and one as today's javac
        // writes it (REF_invokeVirtual, in Kinds$Nested)
        assertTrue(hasPrivateBody(original.get("p/Kinds.class"), Opcodes.H_INVOKESPECIAL));
        assertTrue(hasPrivateBody(original.get("p/Named.class"), Opcodes.H_INVOKESPECIAL));
        assertTrue(hasPrivateBody(original.get("p/Kinds$Nested.class"), Opcodes.H_INVOKEVIRTUAL));
    }

    private static boolean hasPrivateBody(byte[] bytes, int tag) {
        ClassNode node = new ClassNode();
        new ClassReader(bytes).accept(node, 0);
        for (InvokeDynamicInsnNode site : metafactorySites(node)) {
            Handle h = (Handle) site.bsmArgs[1];
            if (h.getTag() == tag && h.getOwner().equals(node.name)) {
                for (MethodNode m : node.methods) {
                    if (m.name.equals(h.getName()) && m.desc.equals(h.getDesc())
                            && (m.access & Opcodes.ACC_PRIVATE) != 0) {
                        return true;
                    }
                }
            }
        }
        return false;
    }
}
