package dev.keymem.jobs.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrowsExactly;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.lang.management.ManagementFactory;
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
import java.util.Random;
import java.util.stream.Stream;

import javax.management.MBeanServer;
import javax.management.ObjectName;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;

import org.apache.flink.runtime.metrics.util.MetricUtils;
import org.apache.flink.shaded.asm9.org.objectweb.asm.ClassReader;
import org.apache.flink.shaded.asm9.org.objectweb.asm.ClassVisitor;
import org.apache.flink.shaded.asm9.org.objectweb.asm.Handle;
import org.apache.flink.shaded.asm9.org.objectweb.asm.MethodVisitor;
import org.apache.flink.shaded.asm9.org.objectweb.asm.Opcodes;
import org.apache.flink.shaded.asm9.org.objectweb.asm.Type;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link JarRewrite}: classes compiled here with javac's invokedynamic string concatenation give, rewritten,
 * the same strings (and the same exceptions) as the originals on the same arguments, and hold no
 * {@code StringConcatFactory} call site afterwards; Flink's {@code MetricUtils} asks {@link
 * LazyPlatformMBeanServer} for the platform MBean server, no other class is changed that way; Flink's {@code
 * ProfilingService} makes its date format (the same as the shaded class's) at the first use, not in its initializer; the jar form
 * rewrites the classes under its scope in place, lists them in {@value JarRewrite#MODIFICATIONS}, leaves every
 * other entry alone, and leaves a class whose rewrite fails the verifier as it was.
 */
class JarRewriteTest {
    private static final String SOURCE = String.join("\n",
            "package p;",
            "import java.util.function.Supplier;",
            "public class Shapes {",
            "  private final String label;",
            "  private final int v;",
            "  public Shapes(int v) { this.v = v; this.label = \"L\" + v + '/' + (v * 2L); }",
            "  public String label() { return label; }",
            "  public String field(String s) { return \"v=\" + v + \" s=\" + s + \" l=\" + label; }",
            "  public static String all(boolean z, char c, byte b, short s, int i, long j, float f, double d,",
            "      String str, Object o, char[] arr, CharSequence cs, Integer boxed, int[] ints) {",
            "    return \"z=\" + z + \" c=\" + c + \" b=\" + b + \" s=\" + s + \" i=\" + i + \" j=\" + j + \" f=\" + f",
            "        + \" d=\" + d + \" str=\" + str + \" o=\" + o + \" arr=\" + arr + \" cs=\" + cs + \" boxed=\" + boxed",
            "        + \" ints=\" + ints;",
            "  }",
            "  public static String same(boolean z, char c, byte b, short s, int i, long j, float f, double d,",
            "      String str, Object o, char[] arr, CharSequence cs, Integer boxed, int[] ints) {",
            "    return \"z=\" + z + \" c=\" + c + \" b=\" + b + \" s=\" + s + \" i=\" + i + \" j=\" + j + \" f=\" + f",
            "        + \" d=\" + d + \" str=\" + str + \" o=\" + o + \" arr=\" + arr + \" cs=\" + cs + \" boxed=\" + boxed",
            "        + \" ints=\" + ints;",
            "  }",
            "  public static String bare(Object a, String b) { return a + b; }",
            "  public static String one(Object a) { return \"\" + a; }",
            "  public static String chars(char a, char b) { return a + \"\" + b; }",
            "  public static String controls(int x, String s) { return \"\\u0001\" + x + \"\\u0002[\" + s + \"]\\u0001\"; }",
            "  public static String unicode(long x) { return \"\\u00e9\\u20ac\\ud83d\\ude00\" + x + \"\\u0000\"; }",
            "  public static String order(StringBuilder sb) { return sb + \"|\" + sb.append(\"x\"); }",
            "  public static String lambda(int x) { Supplier<String> s = () -> \"l\" + x + \"!\"; return s.get(); }",
            "  public static String many(int a, long b, double c, String d, Object e, int f, long g, double h,",
            "      String i, Object j, char k, boolean l, float m, short n, byte o, int q, long r, String s) {",
            "    return a + \",\" + b + \",\" + c + \",\" + d + \",\" + e + \",\" + f + \",\" + g + \",\" + h + \",\" + i",
            "        + \",\" + j + \",\" + k + \",\" + l + \",\" + m + \",\" + n + \",\" + o + \",\" + q + \",\" + r + \",\" + s;",
            "  }",
            "  public static String compound(String s, int n) { s += n; s += \"-\" + s; return s; }",
            "  public static String greet(Named n, int k) { return n.greet(k); }",
            "  public static Named named(String name) { return () -> name; }",
            "  public static Object server() { return java.lang.management.ManagementFactory.getPlatformMBeanServer(); }",
            "}",
            "");
    private static final String NAMED = String.join("\n",
            "package p;",
            "public interface Named {",
            "  String name();",
            "  default String greet(int k) { return \"hi \" + name() + \" #\" + k; }",
            "  static String twice(String s) { return s + \"+\" + s; }",
            "}",
            "");

    @TempDir
    static Path dir;
    private static Map<String, byte[]> original;
    private static Map<String, byte[]> rewritten;
    private static ClassLoader originalLoader;
    private static ClassLoader rewrittenLoader;

    @BeforeAll
    static void compileAndRewrite() throws IOException {
        Path src = dir.resolve("src/p");
        Files.createDirectories(src);
        Files.writeString(src.resolve("Shapes.java"), SOURCE);
        Files.writeString(src.resolve("Named.java"), NAMED);
        Path out = dir.resolve("classes");
        Files.createDirectories(out);
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        assertNotNull(javac, "a JDK's compiler");
        // javac's default (said here, whatever the JVM's options): invokedynamic string concatenation
        int rc = javac.run(null, null, null, "--release", "17", "-XDstringConcat=indyWithConstants",
                "-d", out.toString(),
                src.resolve("Shapes.java").toString(), src.resolve("Named.java").toString());
        assertEquals(0, rc);
        original = new HashMap<>();
        rewritten = new HashMap<>();
        try (Stream<Path> files = Files.walk(out)) {
            for (Path f : (Iterable<Path>) files.filter(f -> f.toString().endsWith(".class"))::iterator) {
                String name = out.relativize(f).toString().replace('/', '.').replaceAll("\\.class$", "");
                byte[] bytes = Files.readAllBytes(f);
                original.put(name, bytes);
                JarRewrite.Result r = JarRewrite.rewrite(bytes);
                rewritten.put(name, r == null ? bytes : r.bytes);
            }
        }
        originalLoader = new BytesLoader(original);
        rewrittenLoader = new BytesLoader(rewritten);
    }

    @Test
    void theOriginalsLinkThroughStringConcatFactoryAndTheRewrittenClassesDoNot() {
        assertTrue(factorySites(original.get("p.Shapes")) >= 12, "javac gave indy sites");
        assertTrue(factorySites(original.get("p.Named")) >= 2);
        for (Map.Entry<String, byte[]> e : rewritten.entrySet()) {
            assertEquals(0, factorySites(e.getValue()), e.getKey());
        }
        assertEquals(factorySites(original.get("p.Shapes")), JarRewrite.rewrite(original.get("p.Shapes")).sites);
    }

    @Test
    void addedMethodsArePrivateStaticSyntheticAndOnePerShape() throws Exception {
        Class<?> c = rewrittenLoader.loadClass("p.Shapes");
        List<Method> added = new ArrayList<>();
        for (Method m : c.getDeclaredMethods()) {
            if (m.getName().startsWith(JarRewrite.PREFIX)) {
                added.add(m);
                assertTrue(Modifier.isPrivate(m.getModifiers()) && Modifier.isStatic(m.getModifiers())
                        && m.isSynthetic(), m.toString());
                assertEquals(String.class, m.getReturnType());
            }
        }
        // all and same have one shape between them
        assertEquals(JarRewrite.rewrite(original.get("p.Shapes")).sites - 1, added.size());
        Class<?> named = rewrittenLoader.loadClass("p.Named");
        assertTrue(named.isInterface());
        assertEquals(2, Stream.of(named.getDeclaredMethods())
                .filter(m -> m.getName().startsWith(JarRewrite.PREFIX)).count());
    }

    @Test
    void rewrittenClassesGiveTheOriginalsStrings() throws Exception {
        Random random = new Random(42);
        Object throwing = new Object() {
            @Override
            public String toString() {
                throw new IllegalStateException("no text");
            }
        };
        Object nullText = new Object() {
            @Override
            public String toString() {
                return null;
            }
        };
        char[] arr = {'a', 'b'};
        int[] ints = {1};
        Object[][] alls = {
            {true, 'x', (byte) -1, (short) 300, 0, Long.MIN_VALUE, Float.NaN, -0.0d, null, null, null, null, null,
                null},
            {false, '\u0000', Byte.MAX_VALUE, Short.MIN_VALUE, Integer.MIN_VALUE, 42L, Float.MIN_VALUE,
                Double.POSITIVE_INFINITY, "s\u00e9", List.of(1, 2), arr, new StringBuilder("sb"), 7, ints},
            {true, '\uD83D', (byte) 0, (short) 0, -7, -1L, 1e10f, 1.0 / 3, "", nullText, arr, "cs", -128, ints},
        };
        for (Object[] args : alls) {
            same("all", args);
            same("same", args);
        }
        for (int k = 0; k < 200; k++) {
            same("all", new Object[] {random.nextBoolean(), (char) random.nextInt(0x10000), (byte) random.nextInt(),
                (short) random.nextInt(), random.nextInt(), random.nextLong(), random.nextFloat() * 1e6f,
                random.nextGaussian() * 1e300, Long.toString(random.nextLong(), 36), random.nextInt(3) == 0 ? null
                    : random.nextDouble(), arr, random.nextBoolean() ? null : "c", random.nextInt(), ints});
        }
        same("bare", new Object[] {null, null});
        same("bare", new Object[] {throwing, "b"});
        same("bare", new Object[] {nullText, "b"});
        same("bare", new Object[] {3, "b"});
        same("one", new Object[] {null});
        same("one", new Object[] {throwing});
        same("one", new Object[] {1.5f});
        same("chars", new Object[] {'a', '\uDE00'});
        same("controls", new Object[] {-5, "\u0001\u0002"});
        same("controls", new Object[] {5, null});
        same("unicode", new Object[] {Long.MAX_VALUE});
        same("lambda", new Object[] {9});
        same("compound", new Object[] {"s", 3});
        same("compound", new Object[] {null, -3});
        same("many", new Object[] {1, 2L, 3.5, "d", null, 6, 7L, 8e-9, null, new int[0], 'k', true, 1.25f,
            (short) 14, (byte) 15, 16, 17L, "s"});
        // javac's own form, not the rewrite's: javac calls String.valueOf on an operand before the next is
        // evaluated (JDK-8273914), so this site gets two Strings; operandsAreTurnedIntoTextInOrder tests the order
        assertEquals("a|ax", call(originalLoader, "order", new Object[] {new StringBuilder("a")}));
        assertEquals("a|ax", call(rewrittenLoader, "order", new Object[] {new StringBuilder("a")}));
        for (ClassLoader loader : new ClassLoader[] {originalLoader, rewrittenLoader}) {
            Class<?> c = loader.loadClass("p.Shapes");
            Object shapes = c.getConstructor(int.class).newInstance(21);
            assertEquals("L21/42", c.getMethod("label").invoke(shapes));
            assertEquals("v=21 s=null l=L21/42", c.getMethod("field", String.class).invoke(shapes, (Object) null));
            Object named = c.getMethod("named", String.class).invoke(null, "n");
            assertEquals("hi n #3", c.getMethod("greet", loader.loadClass("p.Named"), int.class)
                    .invoke(null, named, 3));
            assertEquals("a+a", loader.loadClass("p.Named").getMethod("twice", String.class).invoke(null, "a"));
        }
    }

    @Test
    void recipesWithConstantsItCannotWriteAsTextAreLeft() {
        assertEquals(List.of("a", 0, "b7c", 1), JarRewrite.parts("makeConcatWithConstants", "a\u0001b\u0002c\u0001",
                new Object[] {7}, 2));
        assertEquals(List.of("x2.5"), JarRewrite.parts("makeConcatWithConstants", "x\u0002",
                new Object[] {2.5d}, 0));
        assertEquals(List.of(0, 1), JarRewrite.parts("makeConcat", null, new Object[0], 2));
        assertNull(JarRewrite.parts("makeConcatWithConstants", "a\u0002", new Object[] {Type.INT_TYPE}, 0));
        assertNull(JarRewrite.parts("makeConcatWithConstants", "a\u0002", new Object[0], 0));
        assertNull(JarRewrite.parts("makeConcatWithConstants", "a\u0001", new Object[0], 2));
    }

    @Test
    void aJarIsRewrittenInPlaceEveryOtherEntryAsItWas() throws IOException {
        Path jar = dir.resolve("t.jar");
        Files.deleteIfExists(jar);
        byte[] resource = "some text \u0001 java/lang/invoke/StringConcatFactory".getBytes(StandardCharsets.UTF_8);
        byte[] unreadable = "java/lang/invoke/StringConcatFactory, not a class".getBytes(StandardCharsets.UTF_8);
        byte[] stored = new byte[1000];
        new Random(7).nextBytes(stored);
        Map<String, byte[]> entries = new java.util.LinkedHashMap<>();
        entries.put("META-INF/MANIFEST.MF", "Manifest-Version: 1.0\r\n\r\n".getBytes(StandardCharsets.UTF_8));
        entries.put("p/readme.txt", resource);
        entries.put("p/Shapes.class", original.get("p.Shapes"));
        entries.put("p/Broken.class", unreadable);
        entries.put("p/stored.bin", stored);
        entries.put("p/\u00e9t\u00e9.txt", resource);
        entries.put("p/Named.class", original.get("p.Named"));
        // as jar tools write them: deflated entries with data descriptors, one stored entry, a UTF-8 name
        try (var out = new java.util.jar.JarOutputStream(Files.newOutputStream(jar))) {
            for (Map.Entry<String, byte[]> e : entries.entrySet()) {
                java.util.zip.ZipEntry z = new java.util.zip.ZipEntry(e.getKey());
                if (e.getKey().endsWith(".bin")) {
                    z.setMethod(java.util.zip.ZipEntry.STORED);
                    z.setSize(stored.length);
                    java.util.zip.CRC32 crc = new java.util.zip.CRC32();
                    crc.update(stored);
                    z.setCrc(crc.getValue());
                }
                out.putNextEntry(z);
                out.write(e.getValue());
                out.closeEntry();
            }
        }
        Map<String, long[]> before = raw(jar);
        JarRewrite.Summary summary = JarRewrite.inline(jar, "p/", java.util.function.UnaryOperator.identity());
        assertEquals(List.of("p/Shapes.class", "p/Named.class"), List.copyOf(summary.changed.keySet()));
        assertTrue(summary.left.isEmpty());
        entries.put("p/Shapes.class", rewritten.get("p.Shapes"));
        entries.put("p/Named.class", rewritten.get("p.Named"));
        Map<String, long[]> after = raw(jar);
        List<String> expected = new ArrayList<>(before.keySet());
        expected.add(JarRewrite.MODIFICATIONS);
        assertEquals(expected, after.keySet().stream().toList(), "same entries, same order, the notice last");
        entries.put(JarRewrite.MODIFICATIONS, JarRewrite.modifications(summary).getBytes(StandardCharsets.UTF_8));
        assertTrue(JarRewrite.modifications(summary).endsWith("):\np/Shapes.class\np/Named.class\n"));
        for (String name : entries.keySet()) {
            if (!name.endsWith("Shapes.class") && !name.endsWith("Named.class")
                    && !name.equals(JarRewrite.MODIFICATIONS)) {
                // method, crc, compressed size as they were: the records were copied
                assertArrayEquals(before.get(name), after.get(name), name);
            }
        }
        // read through the central directory and, entry by entry, through the local headers
        try (java.util.zip.ZipFile z = new java.util.zip.ZipFile(jar.toFile())) {
            for (Map.Entry<String, byte[]> e : entries.entrySet()) {
                try (var in = z.getInputStream(z.getEntry(e.getKey()))) {
                    assertArrayEquals(e.getValue(), in.readAllBytes(), e.getKey());
                }
            }
        }
        try (var in = new java.util.zip.ZipInputStream(Files.newInputStream(jar))) {
            int n = 0;
            for (java.util.zip.ZipEntry z; (z = in.getNextEntry()) != null; n++) {
                assertArrayEquals(entries.get(z.getName()), in.readAllBytes(), z.getName());
            }
            assertEquals(entries.size(), n);
        }
        try (var in = new java.util.jar.JarFile(jar.toFile())) {
            assertNotNull(in.getManifest());
        }
        assertFalse(java.util.Arrays.equals(original.get("p.Shapes"), rewritten.get("p.Shapes")));
        assertFalse(Files.exists(dir.resolve("t.jar.rewrite.tmp")));
    }

    @Test
    void aRewriteTheVerifierRefusesLeavesItsClassAsShaded() throws IOException {
        assertNull(JarRewrite.verify(rewritten.get("p.Shapes")));
        assertNull(JarRewrite.verify(rewritten.get("p.Named")));
        byte[] broken = breakAddedMethods(rewritten.get("p.Shapes"));
        String problem = JarRewrite.verify(broken);
        assertNotNull(problem);
        assertTrue(problem.startsWith("p/Shapes." + JarRewrite.PREFIX), problem);
        Path jar = dir.resolve("broken.jar");
        Files.deleteIfExists(jar);
        try (var out = new java.util.jar.JarOutputStream(Files.newOutputStream(jar))) {
            for (String name : List.of("p.Shapes", "p.Named")) {
                out.putNextEntry(new java.util.zip.ZipEntry(name.replace('.', '/') + ".class"));
                out.write(original.get(name));
                out.closeEntry();
            }
        }
        JarRewrite.Summary summary = JarRewrite.inline(jar, "p/",
                b -> new ClassReader(b).getClassName().equals("p/Shapes") ? breakAddedMethods(b) : b);
        assertEquals(List.of("p/Shapes.class"), List.copyOf(summary.left.keySet()));
        assertEquals(List.of("p/Named.class"), List.copyOf(summary.changed.keySet()));
        try (java.util.zip.ZipFile z = new java.util.zip.ZipFile(jar.toFile())) {
            try (var in = z.getInputStream(z.getEntry("p/Shapes.class"))) {
                assertArrayEquals(original.get("p.Shapes"), in.readAllBytes(), "left as it was");
            }
            try (var in = z.getInputStream(z.getEntry("p/Named.class"))) {
                assertArrayEquals(rewritten.get("p.Named"), in.readAllBytes());
            }
            try (var in = z.getInputStream(z.getEntry(JarRewrite.MODIFICATIONS))) {
                String text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
                assertTrue(text.endsWith("(1):\np/Named.class\n"), text);
            }
        }
    }

    @Test
    void classesOutsideTheScopeAndVersionedEntriesAreLeft() throws IOException {
        Path jar = dir.resolve("scope.jar");
        Files.deleteIfExists(jar);
        try (var out = new java.util.jar.JarOutputStream(Files.newOutputStream(jar))) {
            for (String name : List.of("q/Shapes.class", "META-INF/versions/11/p/Shapes.class")) {
                out.putNextEntry(new java.util.zip.ZipEntry(name));
                out.write(original.get("p.Shapes"));
                out.closeEntry();
            }
        }
        byte[] before = Files.readAllBytes(jar);
        JarRewrite.Summary summary = JarRewrite.inline(jar, "p/", java.util.function.UnaryOperator.identity());
        assertTrue(summary.changed.isEmpty());
        assertArrayEquals(before, Files.readAllBytes(jar), "nothing written");
    }

    @Test
    void aRewriteWithAnAppendThatDoesNotFitItsOperandOrACallOfNoAddedMethodIsRefused() {
        byte[] shapes = rewritten.get("p.Shapes");
        assertNull(JarRewrite.verify(shapes));
        // append(Object) of an object operand turned into append(String): the basic verifier alone accepts it
        byte[] wrongAppend = mutate(shapes, true, (mv, opcode, owner, name, desc) -> mv.visitMethodInsn(opcode, owner,
                name, desc.equals("(Ljava/lang/Object;)Ljava/lang/StringBuilder;")
                        ? "(Ljava/lang/String;)Ljava/lang/StringBuilder;" : desc, false));
        assertFalse(java.util.Arrays.equals(shapes, wrongAppend), "the mutant changed something");
        String problem = JarRewrite.verify(wrongAppend);
        assertNotNull(problem);
        assertTrue(problem.contains("is not append("), problem);
        // a call site naming an added method that is not there
        byte[] wrongCall = mutate(shapes, false, (mv, opcode, owner, name, desc) -> mv.visitMethodInsn(opcode, owner,
                name.startsWith(JarRewrite.PREFIX) ? name + "x" : name, desc, false));
        assertFalse(java.util.Arrays.equals(shapes, wrongCall), "the mutant changed something");
        problem = JarRewrite.verify(wrongCall);
        assertNotNull(problem);
        assertTrue(problem.contains("which it does not add"), problem);
    }

    /** Writes a method call again, changed. */
    private interface CallEdit {
        void call(MethodVisitor mv, int opcode, String owner, String name, String desc);
    }

    /** The class with {@code edit} applied to the calls of its added methods ({@code inAdded}) or of the others. */
    private static byte[] mutate(byte[] classBytes, boolean inAdded, CallEdit edit) {
        return transform(classBytes, inAdded, next -> new MethodVisitor(Opcodes.ASM9, next) {
            @Override
            public void visitMethodInsn(int opcode, String owner, String n0, String desc, boolean itf) {
                if (itf) {
                    super.visitMethodInsn(opcode, owner, n0, desc, true);
                } else {
                    edit.call(mv, opcode, owner, n0, desc);
                }
            }
        });
    }

    /** Every added method returns with IRETURN (an int) where its descriptor says a String. */
    private static byte[] breakAddedMethods(byte[] classBytes) {
        return transform(classBytes, true, next -> new MethodVisitor(Opcodes.ASM9, next) {
            @Override
            public void visitInsn(int opcode) {
                super.visitInsn(opcode == Opcodes.ARETURN ? Opcodes.IRETURN : opcode);
            }
        });
    }

    /** The class with its added methods ({@code inAdded}) or the others written through {@code change}. */
    private static byte[] transform(byte[] classBytes, boolean inAdded,
            java.util.function.UnaryOperator<MethodVisitor> change) {
        ClassReader reader = new ClassReader(classBytes);
        org.apache.flink.shaded.asm9.org.objectweb.asm.ClassWriter writer =
                new org.apache.flink.shaded.asm9.org.objectweb.asm.ClassWriter(reader, 0);
        reader.accept(new ClassVisitor(Opcodes.ASM9, writer) {
            @Override
            public MethodVisitor visitMethod(int access, String name, String descriptor, String signature,
                    String[] exceptions) {
                MethodVisitor next = super.visitMethod(access, name, descriptor, signature, exceptions);
                return name.startsWith(JarRewrite.PREFIX) != inAdded ? next : change.apply(next);
            }
        }, 0);
        return writer.toByteArray();
    }

    /** Counts the times it is turned into text. */
    public static final class Counter {
        private int n;

        @Override
        public String toString() {
            return Integer.toString(++n);
        }
    }

    @Test
    void operandsAreTurnedIntoTextInOrder() throws Exception {
        // q.Order.order(Object a, Object b) { return indy "\1|\1"(a, b); }: raw objects as the indy's operands,
        // which StringConcatFactory turns into text first to last (a class javac would not write today)
        org.apache.flink.shaded.asm9.org.objectweb.asm.ClassWriter cw =
                new org.apache.flink.shaded.asm9.org.objectweb.asm.ClassWriter(
                        org.apache.flink.shaded.asm9.org.objectweb.asm.ClassWriter.COMPUTE_MAXS);
        cw.visit(Opcodes.V17, Opcodes.ACC_PUBLIC | Opcodes.ACC_SUPER, "q/Order", null, "java/lang/Object", null);
        String descriptor = "(Ljava/lang/Object;Ljava/lang/Object;)Ljava/lang/String;";
        MethodVisitor mv = cw.visitMethod(Opcodes.ACC_PUBLIC | Opcodes.ACC_STATIC, "order", descriptor, null, null);
        mv.visitCode();
        mv.visitVarInsn(Opcodes.ALOAD, 0);
        mv.visitVarInsn(Opcodes.ALOAD, 1);
        mv.visitInvokeDynamicInsn("makeConcatWithConstants", descriptor, new Handle(Opcodes.H_INVOKESTATIC,
                "java/lang/invoke/StringConcatFactory", "makeConcatWithConstants",
                "(Ljava/lang/invoke/MethodHandles$Lookup;Ljava/lang/String;Ljava/lang/invoke/MethodType;"
                        + "Ljava/lang/String;[Ljava/lang/Object;)Ljava/lang/invoke/CallSite;", false),
                "\u0001|\u0001");
        mv.visitInsn(Opcodes.ARETURN);
        mv.visitMaxs(0, 0);
        mv.visitEnd();
        cw.visitEnd();
        byte[] order = cw.toByteArray();
        JarRewrite.Result r = JarRewrite.rewrite(order);
        assertEquals(1, r.sites);
        assertNull(JarRewrite.verify(r.bytes));
        assertEquals(0, factorySites(r.bytes));
        for (byte[] bytes : new byte[][] {order, r.bytes}) {
            Method m = new BytesLoader(Map.of("q.Order", bytes)).loadClass("q.Order")
                    .getMethod("order", Object.class, Object.class);
            Counter c = new Counter();
            assertEquals("1|2", m.invoke(null, c, c));
            assertEquals("4|x|3", m.invoke(null, c, m.invoke(null, "x", c)));
        }
    }

    /** Each entry's method, CRC and compressed size, in the jar's order. */
    private static Map<String, long[]> raw(Path jar) throws IOException {
        Map<String, long[]> m = new java.util.LinkedHashMap<>();
        try (java.util.zip.ZipFile z = new java.util.zip.ZipFile(jar.toFile())) {
            z.stream().forEach(e -> m.put(e.getName(), new long[] {e.getMethod(), e.getCrc(), e.getCompressedSize()}));
        }
        return m;
    }

    @Test
    void flinksMetricUtilsAsksTheLazyServerAndOnlyThere() throws IOException {
        byte[] metricUtils;
        try (var in = MetricUtils.class.getResourceAsStream("MetricUtils.class")) {
            metricUtils = in.readAllBytes();
        }
        int before = calls(metricUtils, "java/lang/management/ManagementFactory", "getPlatformMBeanServer");
        assertTrue(before >= 1, "Flink's memory metrics take the platform server");
        JarRewrite.Result r = JarRewrite.rewrite(metricUtils);
        assertNotNull(r);
        assertEquals(before, r.redirected);
        assertEquals(0, calls(r.bytes, "java/lang/management/ManagementFactory", "getPlatformMBeanServer"));
        assertEquals(before, calls(r.bytes, "dev/keymem/jobs/cli/LazyPlatformMBeanServer", "platform"));
        // not where the jar has no lazy server to call
        JarRewrite.Result unredirected = JarRewrite.rewrite(metricUtils, false);
        assertEquals(before, calls(unredirected == null ? metricUtils : unredirected.bytes,
                "java/lang/management/ManagementFactory", "getPlatformMBeanServer"));
        // the same call in any other class stays
        assertEquals(1, calls(rewritten.get("p.Shapes"), "java/lang/management/ManagementFactory",
                "getPlatformMBeanServer"));
        assertEquals(0, JarRewrite.rewrite(original.get("p.Shapes")).redirected);
    }

    @Test
    void flinksProfilingServiceMakesTheSameDateFormatAtItsFirstUse() throws Exception {
        String name = "org.apache.flink.runtime.util.profiler.ProfilingService";
        byte[] shaded;
        try (var in = JarRewriteTest.class.getClassLoader()
                .getResourceAsStream(name.replace('.', '/') + ".class")) {
            shaded = in.readAllBytes();
        }
        assertEquals(1, allocations(shaded, "java/text/SimpleDateFormat", "<clinit>"));
        JarRewrite.Result r = JarRewrite.rewrite(shaded);
        assertNotNull(r);
        assertEquals(1, r.lazyFormats);
        assertNull(JarRewrite.verify(r.bytes));
        assertEquals(0, allocations(r.bytes, "java/text/SimpleDateFormat", "<clinit>"));
        assertEquals(1, allocations(r.bytes, "java/text/SimpleDateFormat", JarRewrite.LAZY_DATE_FORMAT));
        assertNull(JarRewrite.lazyDateFormat(r.bytes), "made lazy once");
        assertNull(JarRewrite.lazyDateFormat(original.get("p.Shapes")), "no such format: left");

        // the shaded class's format, as Flink makes it at class initialization
        Class<?> before = new BytesLoader(Map.of(name, shaded)).loadClass(name);
        java.lang.reflect.Field beforeField = before.getDeclaredField("sdf");
        beforeField.setAccessible(true);
        java.text.SimpleDateFormat expected = (java.text.SimpleDateFormat) beforeField.get(null);
        assertNotNull(expected);

        Class<?> after = Class.forName(name, true, new BytesLoader(Map.of(name, r.bytes)));
        java.lang.reflect.Field field = after.getDeclaredField("sdf");
        field.setAccessible(true);
        assertTrue(Modifier.isStatic(field.getModifiers()) && Modifier.isPrivate(field.getModifiers()));
        assertFalse(Modifier.isFinal(field.getModifiers()));
        assertNull(field.get(null), "not made by the initializer");
        Method lazy = after.getDeclaredMethod(JarRewrite.LAZY_DATE_FORMAT);
        int m = lazy.getModifiers();
        assertTrue(Modifier.isPrivate(m) && Modifier.isStatic(m) && Modifier.isSynchronized(m) && lazy.isSynthetic());
        lazy.setAccessible(true);
        java.text.SimpleDateFormat made = (java.text.SimpleDateFormat) lazy.invoke(null);
        assertNotNull(made);
        assertTrue(made == lazy.invoke(null), "made once");
        assertTrue(made == field.get(null));
        assertEquals(expected.toPattern(), made.toPattern());
        assertEquals(expected, made); // pattern, symbols, calendar's zone and rules, number format
        java.util.Date at = new java.util.Date(1_765_000_000_123L);
        assertEquals(expected.format(at), made.format(at));
        // the file name's method reads the format through the added method, and nothing reads the field else
        assertEquals(0, fieldReads(r.bytes, "sdf", "formatOutputFileName"));
        assertEquals(1, calls(r.bytes, "org/apache/flink/runtime/util/profiler/ProfilingService",
                JarRewrite.LAZY_DATE_FORMAT));
    }

    /**
     * The date-format rewrite's refusals, on classes compiled here (Java 17 class files, so nested classes are nest
     * members reading the host's private fields directly): a nest member touching the field, or one whose class
     * file cannot be found, leaves the class as it is, as do a second store of the field, two such formats and a
     * field that is not private; a nest member that does not touch it does not.
     */
    @Test
    void theDateFormatIsLeftWhereTheRewriteCouldNotSeeEveryUse(@TempDir Path tmp) throws Exception {
        String format = "private static final java.text.SimpleDateFormat";
        Map<String, byte[]> classes = compile(tmp, Map.of(
                "q/Host", "package q; public class Host { " + format + " sdf = new java.text.SimpleDateFormat("
                        + "\"yyyy-MM-dd\"); public static String format(java.util.Date d) { return sdf.format(d); }"
                        + " static final class Quiet { static int n() { return 1; } } }",
                "q/Reader", "package q; public class Reader { " + format + " sdf = new java.text.SimpleDateFormat("
                        + "\"yyyy\"); public static String format(java.util.Date d) { return sdf.format(d); }"
                        + " public static final class Inner { public static String format(java.util.Date d) {"
                        + " return sdf.format(d); } } }",
                "q/Stored", "package q; public class Stored { private static java.text.SimpleDateFormat sdf ="
                        + " new java.text.SimpleDateFormat(\"yyyy\"); public static void reset() { sdf = null; } }",
                "q/Two", "package q; public class Two { " + format + " a = new java.text.SimpleDateFormat(\"yyyy\"); "
                        + format + " b = new java.text.SimpleDateFormat(\"MM\"); }",
                "q/Open", "package q; public class Open { static final java.text.SimpleDateFormat sdf ="
                        + " new java.text.SimpleDateFormat(\"yyyy\"); }"));
        byte[] host = JarRewrite.lazyDateFormat(classes.get("q/Host"), classes::get);
        assertNotNull(host, "a nest member that does not touch the field");
        Class<?> rewritten = new BytesLoader(Map.of("q.Host", host, "q.Host$Quiet", classes.get("q/Host$Quiet")))
                .loadClass("q.Host");
        java.util.Date at = new java.util.Date(1_765_000_000_123L);
        assertEquals(new java.text.SimpleDateFormat("yyyy-MM-dd").format(at),
                rewritten.getMethod("format", java.util.Date.class).invoke(null, at));
        assertNull(JarRewrite.lazyDateFormat(classes.get("q/Host"), member -> null), "a nest member not found");
        assertNull(JarRewrite.lazyDateFormat(classes.get("q/Reader"), classes::get), "a nest member reads it");
        assertNull(JarRewrite.lazyDateFormat(classes.get("q/Stored"), classes::get), "stored elsewhere too");
        assertNull(JarRewrite.lazyDateFormat(classes.get("q/Two"), classes::get), "two such formats");
        assertNull(JarRewrite.lazyDateFormat(classes.get("q/Open"), classes::get), "not private");
    }

    /**
     * Flink's {@code Hardware.getSizeOfPhysicalMemory}: the reflective call of {@code getTotalPhysicalMemorySize}
     * becomes {@link PhysicalMemorySize#total} (the class and method lookups stay), the class passes the check,
     * and the rewritten class gives the value the shaded one and the JDK's bean give; with no {@code
     * PhysicalMemorySize} in the jar the call stays reflective.
     */
    @Test
    void flinksHardwareCallsThePhysicalMemorySizeDirectly() throws Exception {
        String name = "org.apache.flink.runtime.util.Hardware";
        byte[] shaded;
        try (var in = JarRewriteTest.class.getClassLoader()
                .getResourceAsStream(name.replace('.', '/') + ".class")) {
            shaded = in.readAllBytes();
        }
        assertEquals(1, calls(shaded, "java/lang/reflect/Method", "invoke"));
        JarRewrite.Result r = JarRewrite.rewrite(shaded);
        assertNotNull(r);
        assertEquals(1, r.directMemoryCalls);
        assertNull(JarRewrite.verify(r.bytes));
        assertEquals(0, calls(r.bytes, "java/lang/reflect/Method", "invoke"));
        assertEquals(1, calls(r.bytes, "dev/keymem/jobs/cli/PhysicalMemorySize", "total"));
        assertEquals(1, calls(r.bytes, "java/lang/Class", "getMethod"), "the lookup (and its fallback) stays");
        assertEquals(1, calls(r.bytes, "java/lang/Class", "isInstance"));
        assertNull(JarRewrite.directPhysicalMemory(r.bytes), "made direct once");

        long expected = ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                .getTotalPhysicalMemorySize();
        assertTrue(expected > 0);
        assertEquals(expected, org.apache.flink.runtime.util.Hardware.getSizeOfPhysicalMemory());
        Class<?> after = new BytesLoader(Map.of(name, r.bytes)).loadClass(name);
        assertEquals(expected, after.getMethod("getSizeOfPhysicalMemory").invoke(null));

        JarRewrite.Result without = JarRewrite.rewrite(shaded, true, member -> null);
        assertTrue(without == null || without.directMemoryCalls == 0, "no PhysicalMemorySize: left reflective");
        assertEquals(1, calls(without == null ? shaded : without.bytes, "java/lang/reflect/Method", "invoke"));
    }

    /**
     * {@link PhysicalMemorySize#total} answers as {@code Method.invoke} of {@code getTotalPhysicalMemorySize} on
     * the same receiver: the same value, what the method throws (a runtime exception, an error) wrapped in an
     * {@link InvocationTargetException} with the same cause, {@link IllegalArgumentException} for a bean that is
     * not a {@code com.sun.management} one, {@link NullPointerException} for none.
     */
    @Test
    void thePhysicalMemorySizeAnswersAsTheReflectiveCall() throws Exception {
        Method reflective = Class.forName("com.sun.management.OperatingSystemMXBean")
                .getMethod("getTotalPhysicalMemorySize");
        java.lang.management.OperatingSystemMXBean platform = ManagementFactory.getOperatingSystemMXBean();
        assertEquals(reflective.invoke(platform), PhysicalMemorySize.total(platform));
        RuntimeException failure = new IllegalStateException("no meminfo");
        Error error = new AssertionError("broken");
        Object[] answers = {12_345L, failure, error};
        for (Object answer : answers) {
            java.lang.management.OperatingSystemMXBean bean = (java.lang.management.OperatingSystemMXBean)
                    java.lang.reflect.Proxy.newProxyInstance(JarRewriteTest.class.getClassLoader(),
                            new Class<?>[] {com.sun.management.OperatingSystemMXBean.class}, (proxy, m, args) -> {
                                if (!m.getName().equals("getTotalPhysicalMemorySize")) {
                                    throw new UnsupportedOperationException(m.getName());
                                }
                                if (answer instanceof Throwable) {
                                    throw (Throwable) answer;
                                }
                                return answer;
                            });
            if (answer instanceof Long) {
                assertEquals(reflective.invoke(bean), PhysicalMemorySize.total(bean));
                assertEquals(12_345L, PhysicalMemorySize.total(bean));
                continue;
            }
            InvocationTargetException expected = assertThrowsExactly(InvocationTargetException.class,
                    () -> reflective.invoke(bean));
            InvocationTargetException got = assertThrowsExactly(InvocationTargetException.class,
                    () -> PhysicalMemorySize.total(bean));
            assertTrue(expected.getCause() == answer && got.getCause() == answer);
        }
        java.lang.management.OperatingSystemMXBean plain = (java.lang.management.OperatingSystemMXBean)
                java.lang.reflect.Proxy.newProxyInstance(JarRewriteTest.class.getClassLoader(),
                        new Class<?>[] {java.lang.management.OperatingSystemMXBean.class}, (proxy, m, args) -> 1L);
        assertThrowsExactly(IllegalArgumentException.class, () -> reflective.invoke(plain));
        assertThrowsExactly(IllegalArgumentException.class, () -> PhysicalMemorySize.total(plain));
        assertThrowsExactly(NullPointerException.class, () -> reflective.invoke(null));
        assertThrowsExactly(NullPointerException.class, () -> PhysicalMemorySize.total(null));
    }

    /**
     * The physical memory rewrite on classes compiled here: Flink's shape is made direct and gives the JDK's value;
     * another method looked up, two reflective calls, or the method's local stored twice leave the class as it is.
     */
    @Test
    void thePhysicalMemoryCallIsLeftWhereItIsNotFlinksShape(@TempDir Path tmp) throws Exception {
        String head = "package q; public class %s { public static long getSizeOfPhysicalMemory() { try {"
                + " Class<?> c = Class.forName(\"com.sun.management.OperatingSystemMXBean\");"
                + " java.lang.reflect.Method m = c.getMethod(\"%s\");"
                + " java.lang.management.OperatingSystemMXBean b ="
                + " java.lang.management.ManagementFactory.getOperatingSystemMXBean();";
        String tail = " } catch (ReflectiveOperationException e) { return -2; } return -1; } }";
        Map<String, byte[]> classes = compile(tmp, Map.of(
                "q/Hw", String.format(head, "Hw", "getTotalPhysicalMemorySize")
                        + " if (c.isInstance(b)) { return (Long) m.invoke(b); }" + tail,
                "q/Free", String.format(head, "Free", "getFreePhysicalMemorySize")
                        + " if (c.isInstance(b)) { return (Long) m.invoke(b); }" + tail,
                "q/Twice", String.format(head, "Twice", "getTotalPhysicalMemorySize")
                        + " if (c.isInstance(b)) { return (Long) m.invoke(b) + (Long) m.invoke(b); }" + tail,
                "q/Again", String.format(head, "Again", "getTotalPhysicalMemorySize")
                        + " m = c.getMethod(\"getFreePhysicalMemorySize\");"
                        + " if (c.isInstance(b)) { return (Long) m.invoke(b); }" + tail));
        byte[] hw = JarRewrite.directPhysicalMemory(classes.get("q/Hw"));
        assertNotNull(hw);
        assertNull(JarRewrite.verify(hw));
        assertEquals(0, calls(hw, "java/lang/reflect/Method", "invoke"));
        long expected = ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                .getTotalPhysicalMemorySize();
        assertEquals(expected, new BytesLoader(Map.of("q.Hw", hw)).loadClass("q.Hw")
                .getMethod("getSizeOfPhysicalMemory").invoke(null));
        assertTrue(JarRewrite.directPhysicalMemory(classes.get("q/Free")) == null, "another method looked up");
        assertTrue(JarRewrite.directPhysicalMemory(classes.get("q/Twice")) == null, "two reflective calls");
        assertTrue(JarRewrite.directPhysicalMemory(classes.get("q/Again")) == null, "the method's local stored twice");
    }

    /** The classes of the given sources (by internal name), compiled by javac for Java 17, by internal name. */
    private static Map<String, byte[]> compile(Path dir, Map<String, String> sources) throws IOException {
        List<String> args = new ArrayList<>(List.of("--release", "17", "-d", dir.resolve("out").toString()));
        for (Map.Entry<String, String> source : sources.entrySet()) {
            Path file = dir.resolve("src").resolve(source.getKey() + ".java");
            Files.createDirectories(file.getParent());
            Files.writeString(file, source.getValue());
            args.add(file.toString());
        }
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        assertNotNull(javac, "a JDK's compiler");
        assertEquals(0, javac.run(null, null, null, args.toArray(new String[0])));
        Map<String, byte[]> classes = new HashMap<>();
        Path out = dir.resolve("out");
        try (Stream<Path> files = Files.walk(out)) {
            for (Path f : (Iterable<Path>) files.filter(f -> f.toString().endsWith(".class"))::iterator) {
                String name = out.relativize(f).toString().replace('\\', '/');
                classes.put(name.substring(0, name.length() - ".class".length()), Files.readAllBytes(f));
            }
        }
        return classes;
    }

    /** {@code new} instructions of {@code type} in the methods named {@code method}. */
    private static int allocations(byte[] classBytes, String type, String method) {
        int[] n = new int[1];
        new ClassReader(classBytes).accept(new ClassVisitor(Opcodes.ASM9) {
            @Override
            public MethodVisitor visitMethod(int access, String name, String descriptor, String signature,
                    String[] exceptions) {
                return !name.equals(method) ? null : new MethodVisitor(Opcodes.ASM9) {
                    @Override
                    public void visitTypeInsn(int opcode, String t) {
                        if (opcode == Opcodes.NEW && t.equals(type)) {
                            n[0]++;
                        }
                    }
                };
            }
        }, 0);
        return n[0];
    }

    /** {@code getstatic} instructions of the class's field {@code field} in the methods named {@code method}. */
    private static int fieldReads(byte[] classBytes, String field, String method) {
        int[] n = new int[1];
        new ClassReader(classBytes).accept(new ClassVisitor(Opcodes.ASM9) {
            @Override
            public MethodVisitor visitMethod(int access, String name, String descriptor, String signature,
                    String[] exceptions) {
                return !name.equals(method) ? null : new MethodVisitor(Opcodes.ASM9) {
                    @Override
                    public void visitFieldInsn(int opcode, String owner, String f, String d) {
                        if (opcode == Opcodes.GETSTATIC && f.equals(field)) {
                            n[0]++;
                        }
                    }
                };
            }
        }, 0);
        return n[0];
    }

    @Test
    void theLazyServerIsThePlatformServersFace() throws Exception {
        MBeanServer lazy = LazyPlatformMBeanServer.platform();
        MBeanServer platform = ManagementFactory.getPlatformMBeanServer();
        ObjectName direct = new ObjectName("java.nio:type=BufferPool,name=direct");
        assertEquals(platform.getAttribute(direct, "Name"), lazy.getAttribute(direct, "Name"));
        assertEquals(platform.getDefaultDomain(), lazy.getDefaultDomain());
        ObjectName name = new ObjectName("dev.keymem.test:type=JarRewriteTest");
        lazy.registerMBean(new Probe(), name);
        try {
            assertTrue(platform.isRegistered(name));
            assertEquals(7, platform.getAttribute(name, "Value"));
            assertEquals(7, lazy.getAttribute(name, "Value"));
            assertEquals(platform.getMBeanCount(), lazy.getMBeanCount());
        } finally {
            lazy.unregisterMBean(name);
        }
        assertFalse(platform.isRegistered(name));
    }

    /** A standard MBean for the test. */
    public interface ProbeMBean {
        int getValue();
    }

    /** Its implementation. */
    public static final class Probe implements ProbeMBean {
        @Override
        public int getValue() {
            return 7;
        }
    }

    private static int calls(byte[] classBytes, String owner, String name) {
        int[] n = new int[1];
        new ClassReader(classBytes).accept(new ClassVisitor(Opcodes.ASM9) {
            @Override
            public MethodVisitor visitMethod(int access, String m, String descriptor, String signature,
                    String[] exceptions) {
                return new MethodVisitor(Opcodes.ASM9) {
                    @Override
                    public void visitMethodInsn(int opcode, String o, String n0, String d, boolean itf) {
                        if (o.equals(owner) && n0.equals(name)) {
                            n[0]++;
                        }
                    }
                };
            }
        }, 0);
        return n[0];
    }

    private static void same(String method, Object[] args) throws Exception {
        assertEquals(call(originalLoader, method, args), call(rewrittenLoader, method, args), method);
    }

    /** The method's result, or the class and message of what it threw. */
    private static String call(ClassLoader loader, String name, Object[] args) throws Exception {
        Class<?> c = loader.loadClass("p.Shapes");
        Method m = Stream.of(c.getMethods()).filter(x -> x.getName().equals(name)).findFirst().orElseThrow();
        try {
            return (String) m.invoke(null, args);
        } catch (InvocationTargetException e) {
            return "threw " + e.getCause().getClass().getName() + ": " + e.getCause().getMessage();
        }
    }

    private static int factorySites(byte[] classBytes) {
        int[] n = new int[1];
        new ClassReader(classBytes).accept(new ClassVisitor(Opcodes.ASM9) {
            @Override
            public MethodVisitor visitMethod(int access, String name, String descriptor, String signature,
                    String[] exceptions) {
                return new MethodVisitor(Opcodes.ASM9) {
                    @Override
                    public void visitInvokeDynamicInsn(String n0, String d, Handle bootstrap, Object... a) {
                        if (bootstrap.getOwner().equals("java/lang/invoke/StringConcatFactory")) {
                            n[0]++;
                        }
                    }
                };
            }
        }, 0);
        return n[0];
    }

    /** Defines the given classes itself (verified as any class), everything else from its parent. */
    private static final class BytesLoader extends ClassLoader {
        private final Map<String, byte[]> classes;

        BytesLoader(Map<String, byte[]> classes) {
            super(JarRewriteTest.class.getClassLoader());
            this.classes = classes;
        }

        @Override
        protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
            synchronized (getClassLoadingLock(name)) {
                byte[] b = classes.get(name);
                if (b == null) {
                    return super.loadClass(name, resolve);
                }
                Class<?> c = findLoadedClass(name);
                if (c == null) {
                    c = defineClass(name, b, 0, b.length);
                }
                return c;
            }
        }
    }
}
