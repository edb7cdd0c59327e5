package dev.keymem.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.flink.shaded.asm9.org.objectweb.asm.ClassReader;
import org.apache.flink.shaded.asm9.org.objectweb.asm.ClassVisitor;
import org.apache.flink.shaded.asm9.org.objectweb.asm.MethodVisitor;
import org.apache.flink.shaded.asm9.org.objectweb.asm.Opcodes;
import org.junit.jupiter.api.Test;

/**
 * What the build hands to users, checked on the built files (this module runs after them in the
 * reactor): the cluster job jar (Flink provided, the Kafka connector inside, its entry class never
 * exits the JVM), {@code memctl.jar} (RocksDB natives for linux-x86_64 only, no second fat jar beside
 * it), sources and javadoc jars beside every library jar, and the license. A jar that is not built
 * (a reactor run without its module) is skipped with the reason printed.
 */
class BuildArtifactsTest {
    static final Path ROOT = Path.of(System.getProperty("keymem.cluster.home", ".")).toAbsolutePath().normalize()
            .getParent();

    static String version() throws IOException {
        String xml = Files.readString(ROOT.resolve("pom.xml")).replaceAll("(?s)<parent>.*?</parent>", "");
        Matcher m = Pattern.compile("<version>([^<]+)</version>").matcher(xml);
        assertTrue(m.find());
        return m.group(1);
    }

    static Path built(String module, String file) {
        Path p = ROOT.resolve(module).resolve("target").resolve(file);
        if (!Files.isRegularFile(p)) {
            System.out.println("BuildArtifactsTest: " + p + " not built; skipped");
        }
        assumeTrue(Files.isRegularFile(p), p + " not built");
        return p;
    }

    @Test
    void clusterJobJarHasTheConnectorButNotFlink() throws Exception {
        Path jar = built("cluster-job", "keymem-jobs-cluster-" + version() + ".jar");
        try (JarFile j = new JarFile(jar.toFile())) {
            assertEquals(KeymemJob.class.getName(), j.getManifest().getMainAttributes().getValue("Main-Class"));
            for (String inside : List.of("dev/keymem/cluster/KeymemJob.class",
                    "dev/keymem/jobs/logs/LogSummaryJob.class",
                    "org/apache/flink/connector/kafka/source/KafkaSource.class",
                    "org/apache/flink/connector/kafka/sink/KafkaSink.class",
                    "org/apache/kafka/clients/producer/KafkaProducer.class")) {
                assertNotNull(j.getEntry(inside), inside + " inside " + jar);
            }
            // Provided by the cluster: Flink's core, runtime, RocksDB state backend, logging; never the broker.
            for (String outside : List.of("org/apache/flink/api/common/", "org/apache/flink/runtime/",
                    "org/apache/flink/streaming/api/environment/", "org/apache/flink/state/rocksdb/", "org/rocksdb/",
                    "org/apache/logging/log4j/", "org/slf4j/", "kafka/server/", "kafka/log/", "org/apache/kafka/storage/", "scala/")) {
                assertTrue(j.stream().noneMatch(e -> e.getName().startsWith(outside)), outside + " must not be in " + jar);
            }
        }
    }

    @Test
    void theEntryClassNeverExitsTheJvm() throws Exception {
        Path jar = built("cluster-job", "keymem-jobs-cluster-" + version() + ".jar");
        try (JarFile j = new JarFile(jar.toFile())) {
            Set<String> seen = new TreeSet<>();
            assertEquals(List.of(), exitsReachableFrom(j, "dev/keymem/cluster/KeymemJob", seen),
                    "code reachable from KeymemJob exits the JVM");
            assertTrue(seen.size() > 50, "reached classes: " + seen.size());
            assertTrue(seen.contains("dev/keymem/jobs/logs/LogSummaryJob"), "the walk reaches the jobs");
            // The walk finds an exit where there is one: memctl's command line (in the jar, not reached) has.
            if (j.getEntry("dev/keymem/jobs/cli/Memctl.class") != null) {
                assertFalse(seen.contains("dev/keymem/jobs/cli/Memctl"));
                assertFalse(exitsReachableFrom(j, "dev/keymem/jobs/cli/Memctl", new TreeSet<>()).isEmpty());
            }
        }
    }

    /**
     * The calls of {@code System.exit}, {@code Runtime.exit} and {@code Runtime.halt} in the classes of
     * {@code jar} that {@code start} reaches through class references, transitively ({@code seen}: those
     * classes).
     */
    static List<String> exitsReachableFrom(JarFile j, String start, Set<String> seen) throws IOException {
        List<String> exits = new ArrayList<>();
        Deque<String> todo = new ArrayDeque<>(List.of(start));
        while (!todo.isEmpty()) {
            String c = todo.poll();
            JarEntry e = j.getJarEntry(c + ".class");
            if (!seen.add(c) || e == null) {
                continue;
            }
            ClassReader r;
            try (InputStream in = j.getInputStream(e)) {
                r = new ClassReader(in.readAllBytes());
            }
            char[] buf = new char[r.getMaxStringLength()];
            for (int i = 1; i < r.getItemCount(); i++) {
                int offset = r.getItem(i);
                if (offset > 0 && r.readByte(offset - 1) == 7) { // CONSTANT_Class
                    String ref = r.readUTF8(offset, buf);
                    if (ref != null && !ref.startsWith("[") && !seen.contains(ref)) {
                        todo.add(ref);
                    }
                }
            }
            r.accept(new ClassVisitor(Opcodes.ASM9) {
                @Override
                public MethodVisitor visitMethod(int access, String name, String desc, String sig, String[] ex) {
                    return new MethodVisitor(Opcodes.ASM9) {
                        @Override
                        public void visitMethodInsn(int op, String owner, String m, String d, boolean itf) {
                            if ((owner.equals("java/lang/System") && m.equals("exit"))
                                    || (owner.equals("java/lang/Runtime") && (m.equals("exit") || m.equals("halt")))) {
                                exits.add(c + "." + name + " calls " + owner + "." + m);
                            }
                        }
                    };
                }
            }, ClassReader.SKIP_DEBUG | ClassReader.SKIP_FRAMES);
        }
        return exits;
    }

    @Test
    void memctlJarHasLinuxX8664RocksDbOnlyAndNoTwinBesideIt() throws Exception {
        Path jar = built("jobs", "memctl.jar");
        try (JarFile j = new JarFile(jar.toFile())) {
            List<String> rocks = j.stream().map(JarEntry::getName).filter(n -> n.startsWith("librocksdbjni")).toList();
            assertEquals(List.of("librocksdbjni-linux64.so"), rocks, "RocksDB natives in memctl.jar");
        }
        try (Stream<Path> s = Files.list(jar.getParent())) {
            List<String> jars = s.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".jar")).sorted().toList();
            assertFalse(jars.stream().anyMatch(n -> n.startsWith("original-")), "a second, unshaded jar: " + jars);
            // tests keep their temporary files in target/ (java.io.tmpdir), so Flink's unpacked RPC jar can sit here
            assertEquals(1, jars.stream().filter(n -> n.startsWith("keymem-") && !n.endsWith("-sources.jar")
                    && !n.endsWith("-javadoc.jar")).count(), "one library jar beside memctl.jar: " + jars);
        }
    }

    /**
     * The library modules this module's reactor build packages before its tests (the others, e.g.
     * keymem-sql, are built by the same parent configuration).
     */
    @Test
    void libraryJarsComeWithSourcesAndJavadoc() throws Exception {
        String v = version();
        for (String[] m : List.of(new String[] {"models", "keymem-models"},
                new String[] {"state-serializers", "keymem-state-serializers"},
                new String[] {"operators", "keymem-operators"}, new String[] {"jobs", "keymem-jobs"},
                new String[] {"cluster-job", "keymem-jobs-cluster"})) {
            Path main = built(m[0], m[1] + "-" + v + ".jar");
            for (String classifier : List.of("sources", "javadoc")) {
                Path p = main.resolveSibling(m[1] + "-" + v + "-" + classifier + ".jar");
                assertTrue(Files.isRegularFile(p), p + " beside " + main + " (not built with -Dmaven." + classifier
                        .replace("sources", "source") + ".skip?)");
                try (JarFile j = new JarFile(p.toFile())) {
                    String want = classifier.equals("sources") ? ".java" : ".html";
                    assertTrue(j.stream().anyMatch(e -> e.getName().endsWith(want)), p + " has " + want + " files");
                }
            }
        }
    }

    @Test
    void apacheLicenseInTheRepositoryAndThePoms() throws IOException {
        assertTrue(Files.readString(ROOT.resolve("LICENSE")).contains("Apache License"), "LICENSE");
        assertTrue(Files.readString(ROOT.resolve("LICENSE")).contains("Version 2.0, January 2004"), "LICENSE");
        for (String pom : List.of("pom.xml", "bom/pom.xml")) {
            String xml = Files.readString(ROOT.resolve(pom));
            assertTrue(xml.contains("<name>Apache License, Version 2.0</name>")
                    && xml.contains("https://www.apache.org/licenses/LICENSE-2.0"), pom + " names the license");
        }
        // Every module inherits the parent's license (none declares its own) or is the parent-less BOM.
        try (Stream<Path> s = Files.list(ROOT)) {
            for (Path pom : s.map(d -> d.resolve("pom.xml")).filter(Files::isRegularFile).toList()) {
                String xml = Files.readString(pom);
                if (!xml.contains("<parent>") && !pom.getParent().getFileName().toString().equals("examples")) {
                    assertTrue(xml.contains("<licenses>"), pom + ": no parent, so it names the license itself");
                }
                assertTrue(!xml.contains("<licenses>") || xml.contains("Apache License, Version 2.0"),
                        "another license in " + pom);
            }
        }
    }
}
