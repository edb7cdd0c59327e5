package dev.keymem.jobs.cli;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.UnaryOperator;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

import org.apache.flink.annotation.Internal;
import org.apache.flink.shaded.asm9.org.objectweb.asm.ClassReader;
import org.apache.flink.shaded.asm9.org.objectweb.asm.ClassVisitor;
import org.apache.flink.shaded.asm9.org.objectweb.asm.ClassWriter;
import org.apache.flink.shaded.asm9.org.objectweb.asm.Handle;
import org.apache.flink.shaded.asm9.org.objectweb.asm.MethodVisitor;
import org.apache.flink.shaded.asm9.org.objectweb.asm.Opcodes;
import org.apache.flink.shaded.asm9.org.objectweb.asm.Type;
import org.apache.flink.shaded.asm9.org.objectweb.asm.tree.AbstractInsnNode;
import org.apache.flink.shaded.asm9.org.objectweb.asm.tree.ClassNode;
import org.apache.flink.shaded.asm9.org.objectweb.asm.tree.FieldInsnNode;
import org.apache.flink.shaded.asm9.org.objectweb.asm.tree.FieldNode;
import org.apache.flink.shaded.asm9.org.objectweb.asm.tree.FrameNode;
import org.apache.flink.shaded.asm9.org.objectweb.asm.tree.InsnList;
import org.apache.flink.shaded.asm9.org.objectweb.asm.tree.InsnNode;
import org.apache.flink.shaded.asm9.org.objectweb.asm.tree.JumpInsnNode;
import org.apache.flink.shaded.asm9.org.objectweb.asm.tree.LabelNode;
import org.apache.flink.shaded.asm9.org.objectweb.asm.tree.LdcInsnNode;
import org.apache.flink.shaded.asm9.org.objectweb.asm.tree.MethodInsnNode;
import org.apache.flink.shaded.asm9.org.objectweb.asm.tree.MethodNode;
import org.apache.flink.shaded.asm9.org.objectweb.asm.tree.TypeInsnNode;
import org.apache.flink.shaded.asm9.org.objectweb.asm.tree.VarInsnNode;
import org.apache.flink.shaded.asm9.org.objectweb.asm.tree.analysis.Analyzer;
import org.apache.flink.shaded.asm9.org.objectweb.asm.tree.analysis.AnalyzerException;
import org.apache.flink.shaded.asm9.org.objectweb.asm.tree.analysis.BasicVerifier;

/**
 * A build step of memctl.jar: two rewrites of the classes in the jar, each giving the same results as the
 * original code with less work at the start of every run.
 *
 * <p><b>String concatenation.</b> The invokedynamic string concatenations of Flink's classes (those under
 * {@value #SCOPE}, {@code META-INF/versions/} left out; javac's {@code StringConcatFactory} call sites) become calls of a private static method added to
 * the same class that appends the same parts to a {@link StringBuilder}. Every such call site otherwise links at
 * its first run, through {@code StringConcatFactory}'s bootstrap, spinning method-handle classes for each new
 * shape (JDK 17 cannot keep them in a class data archive): ~50-70 ms of CPU of a 20-record file run, most of it
 * Flink's own sites on the start path. The project's own modules compile their concatenations that way already
 * ({@code -XDstringConcat=inline}). The result is the indy form's: the call takes the same operands in the same
 * order, each is turned into text in order as {@code String.valueOf} does (a {@code char} as a char, {@code
 * byte} and {@code short} as numbers, any reference, arrays included, through {@link
 * StringBuilder#append(Object)}), the recipe's constants between them. A site whose constants are not strings or
 * numbers, and a class ASM cannot read, stay as they are. One method per distinct recipe and operand types in a
 * class; named {@value #PREFIX}N.
 *
 * <p><b>Flink's process metrics' MBean server.</b> In {@value #METRIC_UTILS} (Flink's JVM metrics, which every
 * cluster start registers) the call of {@code ManagementFactory.getPlatformMBeanServer()} becomes {@link
 * LazyPlatformMBeanServer#platform()}, the same server made when first used: the memory metrics take it only to
 * read the buffer pools' attributes when their gauges are read, which no file run does.
 *
 * <p><b>Flink's profiling service's date format.</b> {@value #PROFILING_SERVICE} (the TaskExecutor's profiler,
 * which every task manager start initializes, and which only a profiling request through Flink's REST API uses)
 * makes a {@code SimpleDateFormat} in its static initializer for the names of its profiles' files: a calendar and
 * the default locale's calendar data, ~20-27 ms of CPU of every run, with no option to turn it off. The rewrite
 * moves that construction into an added private static synchronized method, {@value #LAZY_DATE_FORMAT}, which
 * makes the same format (the same pattern, taken from the initializer) at its first call and returns it after;
 * the field's reads call that method and the field loses its {@code final} flag (it is private: only the class
 * and its nest members read it; the rewrite is made only where no nest member's code touches the field, which
 * it checks in their class files, as Java 11+ nest members read a host's private field directly). The one
 * difference: the format takes the default time zone and locale of the first profile's request, not of the
 * class's initialization (memctl changes neither). The rewrite is made only where the
 * initializer has exactly that shape ({@code new SimpleDateFormat(constant)} stored into a private static field
 * that no other instruction stores into); otherwise the class keeps its format as shaded.
 *
 * <p><b>Flink's physical memory size.</b> {@value #HARDWARE}{@code .getSizeOfPhysicalMemory()} (which every task
 * executor start calls) looks up {@code com.sun.management.OperatingSystemMXBean#getTotalPhysicalMemorySize} by
 * name and calls it through {@code Method.invoke}; that call's first use makes the JDK parse the method's
 * annotations ({@code @Deprecated}), generating two annotation proxy classes at run time (~6-7 ms of CPU of every
 * run). The rewrite replaces only the reflective call ({@code method.invoke(bean, new Object[0])}, cast to {@code
 * Long} and unboxed) with {@link PhysicalMemorySize#total}{@code (bean)}, the same method of the same bean called
 * directly, what it throws wrapped in the same {@code InvocationTargetException}; the class lookup, the method
 * lookup, the {@code isInstance} check and Flink's fallbacks (a missing class or method, the per-system readers)
 * stay as they are. It is made only where the method has exactly that shape (the method looked up by the name
 * {@value #TOTAL_MEMORY}, the receiver the result of {@code ManagementFactory.getOperatingSystemMXBean()}, each
 * local stored once) and the jar holds {@link PhysicalMemorySize}.
 *
 * <p><b>Lambda call sites.</b> In the classes named in the resource {@value #LAMBDA_HOSTS} (beside this class;
 * the Flink classes whose lambdas a 20-record run of either job links, and four of Apache Lucene's, under
 * {@value #LISTED_LIBRARY}, that a context run links), and in every class of keymem's own under
 * {@value #OWN_SCOPE} (by rule, no list: ~400 sites in ~100 classes, ~140 of them linked by a 20-record run, all of
 * them compiled by this build, so no list goes stale), each {@code LambdaMetafactory.metafactory}
 * call site becomes a plain use of a class added to the jar for it, a nestmate of the site's class, by {@link
 * LambdaRewrite} (whose class doc gives the contract and the sites it leaves); the nest hosts list the added
 * classes. Every such site otherwise links at its first run (~1,100 sites, ~0.16 CPU s of every run on this
 * project's VM), which JDK 17 cannot do ahead of time; the added classes are in the class archive like the rest.
 *
 * <p><b>Checks and notice.</b> Every class changed is checked before the jar is written: ASM's {@link
 * Analyzer} with a {@link BasicVerifier} over each of its methods (the changed ones and the added ones among
 * them); a class it refuses, or whose rewrite throws (a class grown past the class file's limits), is left as
 * shaded and named in a {@code [WARNING]} line of the build's output. The classes changed are listed, with what
 * was changed in them, in the added entry {@value #MODIFICATIONS} (the notice of change that the Apache License
 * 2.0, section 4(b), asks of modified files). After the jar is written, the build step loads every class added
 * for a lambda call site from it, in a class loader of their own, so the JVM itself verifies and initializes them
 * ({@link #loadAddedClasses}); listed lambda hosts that the jar lacks are counted in the build line.
 *
 * <p>{@code java -cp memctl.jar dev.keymem.jobs.cli.JarRewrite memctl.jar} rewrites the jar in place (the
 * classes changed, every other entry's records copied byte for byte, the notice added; the file is replaced once
 * the new one is written whole) and prints what it changed; where the jar cannot be rewritten it stays as it was,
 * an {@code [ERROR]} line says why and the exit status is 1, which fails the build ({@code
 * -Dmemctl.rewrite.skip=true} builds without the step); where an added class does not load from the written jar,
 * the jar is moved to {@code memctl.jar.rejected}, and an {@code [ERROR]} line and status 1 fail the build too.
 */
@Internal
public final class JarRewrite {
    /** The entries whose classes are rewritten: Flink's (its start path is where the gain is). */
    static final String SCOPE = "org/apache/flink/";

    /**
     * The entries whose classes' lambda call sites are all rewritten, without a list: keymem's own (every one of
     * the jar's classes under it with a {@code LambdaMetafactory.metafactory} site).
     */
    static final String OWN_SCOPE = "dev/keymem/";
    /**
     * The other library (beside {@value #SCOPE}) whose classes {@value #LAMBDA_HOSTS} may name: Apache Lucene
     * (context runs link ~11 of its lambda sites; its classes are Java 11 class files, so nestmates work). The
     * other libraries a run links lambdas of (snakeyaml-engine, commons-io, commons-text, jtokkit) are Java 8
     * class files, which {@link LambdaRewrite} leaves.
     */
    static final String LISTED_LIBRARY = "org/apache/lucene/";

    /** The resource that names the Flink classes whose lambda call sites are rewritten, one a line. */
    static final String LAMBDA_HOSTS = "lambda-hosts.txt";

    /** The entry that lists the classes changed and how. */
    static final String MODIFICATIONS = "META-INF/MODIFICATIONS";

    /** The added methods' names start with this. */
    static final String PREFIX = "concat$inline$";

    /** The class whose platform MBean server call is made lazy. */
    static final String METRIC_UTILS = "org/apache/flink/runtime/metrics/util/MetricUtils";
    private static final String MANAGEMENT_FACTORY = "java/lang/management/ManagementFactory";
    private static final String PLATFORM_SERVER = "getPlatformMBeanServer";
    private static final String SERVER_DESCRIPTOR = "()Ljavax/management/MBeanServer;";
    private static final String LAZY_SERVER = "dev/keymem/jobs/cli/LazyPlatformMBeanServer";
    /** The class whose static date format is made when first used. */
    static final String PROFILING_SERVICE = "org/apache/flink/runtime/util/profiler/ProfilingService";
    /** The class whose reflective call of the physical memory size is made a direct call. */
    static final String HARDWARE = "org/apache/flink/runtime/util/Hardware";
    /** The JDK method Flink's {@value #HARDWARE} calls by reflection. */
    static final String TOTAL_MEMORY = "getTotalPhysicalMemorySize";
    private static final String PHYSICAL_MEMORY = "dev/keymem/jobs/cli/PhysicalMemorySize";
    private static final String PHYSICAL_MEMORY_DESCRIPTOR = "(Ljava/lang/management/OperatingSystemMXBean;)J";
    /** The added method that makes that date format at its first call. */
    static final String LAZY_DATE_FORMAT = "dateFormat$lazy";
    private static final String DATE_FORMAT = "java/text/SimpleDateFormat";
    private static final String FACTORY = "java/lang/invoke/StringConcatFactory";
    private static final String BUILDER = "java/lang/StringBuilder";
    private static final int MAX_LITERAL = 16_000;
    private static final char ARGUMENT = '\u0001';
    private static final char CONSTANT = '\u0002';
    private static final byte[] MARK = FACTORY.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    private static final byte[] LAMBDA_MARK = "java/lang/invoke/LambdaMetafactory"
            .getBytes(java.nio.charset.StandardCharsets.US_ASCII);

    private JarRewrite() {
    }

    public static void main(String[] args) {
        if (args.length != 1) {
            System.err.println("usage: JarRewrite JAR");
            System.exit(2);
        }
        try {
            inline(Path.of(args[0]));
        } catch (AddedClassesFail e) {
            System.err.println("[ERROR] JarRewrite: " + e.getMessage()
                    + " (-Dmemctl.rewrite.skip=true builds without the rewrite)");
            System.exit(1);
        } catch (IOException | RuntimeException e) {
            // the jar is replaced only once it is written whole, so it is still the shaded one; the build fails
            System.err.println("[ERROR] JarRewrite: " + args[0] + " left as shaded: " + e
                    + " (-Dmemctl.rewrite.skip=true builds without the rewrite)");
            System.exit(1);
        }
    }

    /** What one rewrite of a jar changed, and the classes it left as they were after a failed check. */
    static final class Summary {
        final Map<String, byte[]> changed = new LinkedHashMap<>();
        /** Classes left as shaded after their rewrite failed the check, and why. */
        final Map<String, String> left = new LinkedHashMap<>();
        /**
         * Lambda hosts whose lambda rewrite failed the check, and why: their lambda sites are left as they were,
         * their other rewrites (string concatenation) stay in {@link #changed} where made.
         */
        final Map<String, String> lambdaHostsLeft = new LinkedHashMap<>();
        int sites;
        int redirected;
        int lazyFormats;
        int directMemoryCalls;
        /** Lambda call sites made plain classes ({@link LambdaRewrite}) and the classes added for them. */
        int lambdaSites;
        final Map<String, byte[]> addedClasses = new LinkedHashMap<>();
        final Map<String, Integer> lambdasLeft = new LinkedHashMap<>();
        /** Classes named as lambda hosts that the jar does not hold under the scope (a list gone stale). */
        int lambdaHostsMissing;
        /** Of {@link #lambdaSites}, those in classes under the own scope, and the classes they are in. */
        int ownLambdaSites;
        int ownLambdaHosts;
    }

    /** Why the build fails after the jar was written: an added class does not load from it. */
    static final class AddedClassesFail extends IOException {
        private static final long serialVersionUID = 1L;

        AddedClassesFail(String message) {
            super(message);
        }
    }

    /**
     * Both rewrites, on the classes under {@value #SCOPE} of the jar in place; prints what changed. Then every
     * class added for a lambda call site is loaded from the written jar ({@link #loadAddedClasses}); where one
     * fails, the jar is moved aside to {@code JAR.rejected} and {@link AddedClassesFail} is thrown.
     */
    static Summary inline(Path jar) throws IOException {
        Summary summary = inline(jar, SCOPE, UnaryOperator.identity(), lambdaHosts(), OWN_SCOPE);
        try {
            int loaded = loadAddedClasses(jar, summary.addedClasses.keySet());
            System.out.println("JarRewrite: " + loaded + " added classes of " + jar + " load, pass the JVM's"
                    + " verifier, initialize and name their host's nest host, in a class loader of their own");
        } catch (AddedClassesFail e) {
            Path rejected = jar.resolveSibling(jar.getFileName() + ".rejected");
            Files.move(jar, rejected, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            throw new AddedClassesFail(e.getMessage() + "; the rewritten jar moved to " + rejected);
        }
        return summary;
    }

    /**
     * Loads each of {@code added} (entry names of classes added for lambda call sites, {@code
     * H$lambda$rw$N.class}) from the jar as written, in a class loader over the jar alone (the platform class
     * loader its parent, so the build's own classes do not stand in): the class is defined, verified by the JVM
     * and initialized (its initializer only makes its one instance, as LambdaMetafactory's class is initialized
     * at the site's first run), and its nest host must be its host's. Without this a site's class is first
     * loaded when that site first runs, which for an error path may be no run of the training. Returns how many
     * loaded; throws {@link AddedClassesFail} naming the count that failed and the first few errors.
     */
    static int loadAddedClasses(Path jar, java.util.Collection<String> added) throws IOException {
        List<String> errors = new ArrayList<>();
        int loaded = 0;
        try (java.net.URLClassLoader loader = new java.net.URLClassLoader(new java.net.URL[] {jar.toUri().toURL()},
                ClassLoader.getPlatformClassLoader())) {
            for (String entry : added) {
                String name = entry.substring(0, entry.length() - ".class".length()).replace('/', '.');
                try {
                    Class<?> c = Class.forName(name, true, loader);
                    int at = name.indexOf(LambdaRewrite.SUFFIX);
                    Class<?> host = Class.forName(at > 0 ? name.substring(0, at) : name, false, loader);
                    if (!c.isSynthetic() || c.getNestHost() != host.getNestHost()) {
                        errors.add(name + ": nest host " + c.getNestHost().getName() + ", its host's "
                                + host.getNestHost().getName());
                        continue;
                    }
                    loaded++;
                } catch (ClassNotFoundException | LinkageError | RuntimeException e) {
                    errors.add(name + ": " + e);
                }
            }
        }
        if (!errors.isEmpty()) {
            throw new AddedClassesFail(errors.size() + " of " + added.size() + " added classes do not load from "
                    + jar + ": " + String.join("; ", errors.subList(0, Math.min(3, errors.size()))));
        }
        return loaded;
    }

    /** The classes whose lambda call sites {@link LambdaRewrite} rewrites: the resource {@value #LAMBDA_HOSTS}. */
    static java.util.Set<String> lambdaHosts() throws IOException {
        java.util.Set<String> hosts = new java.util.LinkedHashSet<>();
        try (InputStream in = JarRewrite.class.getResourceAsStream(LAMBDA_HOSTS)) {
            if (in == null) {
                throw new IOException("no resource " + LAMBDA_HOSTS);
            }
            for (String line : new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8).split("\n")) {
                line = line.strip();
                if (!line.isEmpty() && !line.startsWith("#")) {
                    hosts.add(line.replace('.', '/'));
                }
            }
        }
        return hosts;
    }

    /** As {@link #inline(Path, String, UnaryOperator, java.util.Set)} with no lambda call sites rewritten. */
    static Summary inline(Path jar, String scope, UnaryOperator<byte[]> after) throws IOException {
        return inline(jar, scope, after, java.util.Set.of(), null);
    }

    /** As {@link #inline(Path, String, UnaryOperator, java.util.Set, String)} with no scope of own classes. */
    static Summary inline(Path jar, String scope, UnaryOperator<byte[]> after, java.util.Set<String> lambdaHosts)
            throws IOException {
        return inline(jar, scope, after, lambdaHosts, null);
    }

    /**
     * Both rewrites of the jar's classes whose entry names start with {@code scope} (not those under
     * {@code META-INF/versions/}), each rewritten class passed through {@code after} (a test's hook; the
     * identity in the build) and then checked by {@link #verify}: a class that fails the check, or whose
     * rewrite throws (a class grown too large among them), is left as it was and named in a {@code [WARNING]}
     * line. The lambda call sites rewritten are those of the classes {@code lambdaHosts} names (under {@code
     * scope}) and of every class under {@code ownScope} (null: none; {@code META-INF/versions/} left out) that has
     * one. The changed classes are listed in the added entry {@value #MODIFICATIONS}.
     */
    static Summary inline(Path jar, String scope, UnaryOperator<byte[]> after, java.util.Set<String> lambdaHosts,
            String ownScope) throws IOException {
        Summary summary = new Summary();
        boolean hasNotice;
        int concatClasses;
        try (ZipFile zip = new ZipFile(jar.toFile())) {
            hasNotice = zip.getEntry(MODIFICATIONS) != null;
            // Flink's metrics are sent to the lazy server only where the jar holds it
            boolean redirect = zip.getEntry(LAZY_SERVER + ".class") != null;
            for (Enumeration<? extends ZipEntry> e = zip.entries(); e.hasMoreElements(); ) {
                ZipEntry entry = e.nextElement();
                String name = entry.getName();
                if (entry.isDirectory() || !name.endsWith(".class") || !name.startsWith(scope)
                        || name.startsWith("META-INF/versions/")) {
                    continue;
                }
                byte[] bytes;
                try (InputStream in = zip.getInputStream(entry)) {
                    bytes = in.readAllBytes();
                }
                if (!contains(bytes, MARK) && !(redirect && name.equals(METRIC_UTILS + ".class"))
                        && !name.equals(PROFILING_SERVICE + ".class") && !name.equals(HARDWARE + ".class")) {
                    continue;
                }
                String problem;
                Result result = null;
                byte[] out = null;
                try {
                    result = rewrite(bytes, redirect, member -> entryBytes(zip, member + ".class"));
                    if (result == null) {
                        continue;
                    }
                    out = after.apply(result.bytes);
                    problem = verify(out);
                } catch (RuntimeException failed) {
                    problem = failed.toString();
                }
                if (problem != null) {
                    summary.left.put(name, problem);
                    System.out.println("[WARNING] JarRewrite: " + name + " left as shaded, its rewrite fails the"
                            + " check: " + problem);
                    continue;
                }
                summary.changed.put(name, out);
                summary.sites += result.sites;
                summary.redirected += result.redirected;
                summary.lazyFormats += result.lazyFormats;
                summary.directMemoryCalls += result.directMemoryCalls;
            }
            concatClasses = summary.changed.size();
            lambdas(zip, scope, after, lambdaHosts, summary, ownScope);
        }
        if (!summary.changed.isEmpty()) {
            byte[] notice = modifications(summary).getBytes(java.nio.charset.StandardCharsets.UTF_8);
            Map<String, byte[]> replace = new LinkedHashMap<>(summary.changed);
            Map<String, byte[]> add = new LinkedHashMap<>(summary.addedClasses);
            (hasNotice ? replace : add).put(MODIFICATIONS, notice);
            replaceEntries(jar, replace, add);
        }
        System.out.println("JarRewrite: " + summary.sites + " string concatenation sites in "
                + concatClasses + " classes under " + scope + " of " + jar
                + " now append to a StringBuilder (each changed class checked by ASM's verifier; "
                + summary.left.size() + " left as shaded); " + summary.redirected
                + " calls of the platform MBean server made lazy; " + summary.lazyFormats
                + " static date format made when first used; " + summary.directMemoryCalls
                + " reflective call of the physical memory size made direct; " + summary.lambdaSites + " lambda call sites made "
                + summary.addedClasses.size() + " added classes (" + summary.ownLambdaSites + " of them in "
                + summary.ownLambdaHosts + " classes under " + (ownScope == null ? "no own scope" : ownScope)
                + "; " + summary.changed.size() + " classes changed in all; " + summary.lambdasLeft
                + " left as they were; " + summary.lambdaHostsLeft.size()
                + " host classes whose rewrite failed the check kept theirs; "
                + summary.lambdaHostsMissing + " listed host classes not in the jar under " + scope + ");"
                + " changes listed in " + MODIFICATIONS);
        return summary;
    }

    /**
     * {@link LambdaRewrite} on each class of {@code hosts} under {@code scope} (its bytes as changed so far),
     * then the nest hosts of those that are not their own given the generated classes as members. A host whose
     * rewrite, generated classes or nest host fail the check is left as it was (its generated classes dropped).
     */
    private static void lambdas(ZipFile zip, String scope, UnaryOperator<byte[]> after, java.util.Set<String> hosts,
            Summary summary, String ownScope) {
        Function<String, byte[]> current = internal -> {
            byte[] changed = summary.changed.get(internal + ".class");
            if (changed != null) {
                return changed;
            }
            byte[] bytes = entryBytes(zip, internal + ".class");
            return bytes != null ? bytes : classpathBytes(internal);
        };
        Map<String, List<String>> members = new LinkedHashMap<>();
        java.util.Set<String> ownHosts = ownHosts(zip, ownScope);
        java.util.Set<String> all = new java.util.LinkedHashSet<>(hosts);
        all.addAll(ownHosts);
        for (String host : all) {
            String name = host + ".class";
            boolean own = ownHosts.contains(host);
            if (!own && (!(name.startsWith(scope) || name.startsWith(LISTED_LIBRARY)) || zip.getEntry(name) == null)) {
                // a list gone stale (a Flink upgrade): counted in the build line
                summary.lambdaHostsMissing++;
                continue;
            }
            String problem = null;
            LambdaRewrite.Out out = null;
            try {
                out = LambdaRewrite.rewrite(current.apply(host), current,
                        n -> zip.getEntry(n + ".class") != null || summary.addedClasses.containsKey(n + ".class"));
                out.refused.forEach((why, n) -> summary.lambdasLeft.merge(why, n, Integer::sum));
                if (out.host == null) {
                    continue;
                }
                out.host = after.apply(out.host);
                problem = verify(out.host);
                for (Map.Entry<String, byte[]> g : out.generated.entrySet()) {
                    if (problem == null) {
                        problem = verify(g.getValue());
                    }
                }
                if (problem == null && !out.nestHost.equals(host)) {
                    String hostName = out.nestHost + ".class";
                    boolean inScope = out.nestHost.startsWith(scope) || out.nestHost.startsWith(LISTED_LIBRARY)
                            || ownScope != null && out.nestHost.startsWith(ownScope);
                    if (!inScope || zip.getEntry(hostName) == null) {
                        problem = "nest host " + out.nestHost + " not in the rewritten classes";
                    }
                }
            } catch (RuntimeException failed) {
                problem = failed.toString();
            }
            if (problem != null) {
                // its other rewrites (in changed, where made) stay: only its lambda sites are left
                summary.lambdaHostsLeft.put(name, problem);
                System.out.println("[WARNING] JarRewrite: " + name + " lambda sites left, the rewrite fails the"
                        + " check: " + problem);
                continue;
            }
            summary.changed.put(name, out.host);
            summary.lambdaSites += out.sites;
            if (own) {
                summary.ownLambdaSites += out.sites;
                summary.ownLambdaHosts++;
            }
            for (Map.Entry<String, byte[]> g : out.generated.entrySet()) {
                summary.addedClasses.put(g.getKey() + ".class", g.getValue());
            }
            if (!out.nestHost.equals(host)) {
                members.computeIfAbsent(out.nestHost, k -> new ArrayList<>()).addAll(out.generated.keySet());
            }
        }
        for (Map.Entry<String, List<String>> m : members.entrySet()) {
            String name = m.getKey() + ".class";
            byte[] bytes = LambdaRewrite.addNestMembers(current.apply(m.getKey()), m.getValue());
            String problem = verify(bytes);
            if (problem != null) {
                // the members' classes name this host; without it they would not link: the build fails
                throw new IllegalStateException("nest host " + name + " fails the check: " + problem);
            }
            summary.changed.put(name, bytes);
        }
    }

    /**
     * The classes (internal names) under {@code ownScope} whose class file names {@code LambdaMetafactory}, the
     * candidates for {@link LambdaRewrite} by rule ({@code META-INF/versions/} left out); none where it is null.
     */
    private static java.util.Set<String> ownHosts(ZipFile zip, String ownScope) {
        java.util.Set<String> own = new java.util.LinkedHashSet<>();
        if (ownScope == null) {
            return own;
        }
        for (Enumeration<? extends ZipEntry> e = zip.entries(); e.hasMoreElements(); ) {
            String name = e.nextElement().getName();
            if (name.startsWith(ownScope) && name.endsWith(".class")) {
                byte[] bytes = entryBytes(zip, name);
                if (bytes != null && contains(bytes, LAMBDA_MARK)) {
                    own.add(name.substring(0, name.length() - ".class".length()));
                }
            }
        }
        return own;
    }

    /** An entry's bytes, or null where the jar has no such entry or it cannot be read. */
    private static byte[] entryBytes(ZipFile zip, String name) {
        ZipEntry entry = zip.getEntry(name);
        if (entry == null) {
            return null;
        }
        try (InputStream in = zip.getInputStream(entry)) {
            return in.readAllBytes();
        } catch (IOException unreadable) {
            return null;
        }
    }

    /** A class's bytes from this class's loader (the classpath), or null where it has none. */
    private static byte[] classpathBytes(String internalName) {
        try (InputStream in = JarRewrite.class.getClassLoader().getResourceAsStream(internalName + ".class")) {
            return in == null ? null : in.readAllBytes();
        } catch (IOException unreadable) {
            return null;
        }
    }

    /** The text of {@value #MODIFICATIONS}: what was changed in which classes (Apache License 2.0, 4(b)). */
    static String modifications(Summary summary) {
        StringBuilder text = new StringBuilder();
        text.append("Modified files in this jar (Apache License 2.0, section 4(b))\n\n")
                .append("The class files listed below are those of the libraries shaded into memctl.jar (Apache\n")
                .append("Flink, and Apache Lucene's under ").append(LISTED_LIBRARY)
                .append("; see their notices in META-INF/NOTICE),\nand keymem's own under ").append(OWN_SCOPE)
                .append(", changed by keymem's build step\n")
                .append("dev.keymem.jobs.cli.JarRewrite after shading, as follows:\n")
                .append("- string concatenation call sites (invokedynamic, java/lang/invoke/StringConcatFactory)\n")
                .append("  replaced by calls of an added private static synthetic method, ").append(PREFIX)
                .append("N, holding\n  equivalent StringBuilder code (same operands, same order, same text);\n")
                .append("- in ").append(METRIC_UTILS).append(", the call of\n")
                .append("  java.lang.management.ManagementFactory.getPlatformMBeanServer() replaced by\n")
                .append("  dev.keymem.jobs.cli.LazyPlatformMBeanServer.platform(), a lazy delegate to the same server;\n")
                .append("- in ").append(PROFILING_SERVICE).append(", the static SimpleDateFormat is made\n")
                .append("  at its first use, by an added private static synchronized method, ").append(LAZY_DATE_FORMAT)
                .append(",\n  instead of in the static initializer (same pattern; the field is no longer final).\n")
                .append("- in ").append(HARDWARE).append(".getSizeOfPhysicalMemory(), the reflective call\n")
                .append("  Method.invoke of com.sun.management.OperatingSystemMXBean.getTotalPhysicalMemorySize()\n")
                .append("  replaced by dev.keymem.jobs.cli.PhysicalMemorySize.total(bean), the same method called\n")
                .append("  directly (what it throws wrapped in the same InvocationTargetException);\n")
                .append("- lambda and method reference call sites (invokedynamic, LambdaMetafactory.metafactory) of\n")
                .append("  the classes named in dev/keymem/jobs/cli/").append(LAMBDA_HOSTS)
                .append(" (and likewise in keymem's own classes,\n  ").append(OWN_SCOPE)
                .append(", which are no library's) replaced by getstatic of the one instance,\n")
                .append("  or invokestatic of the create method, of an added class (the class's name, ")
                .append(LambdaRewrite.SUFFIX).append("N) that\n")
                .append("  does what LambdaMetafactory's class would do; those classes, and the nest hosts that now\n")
                .append("  list the added classes in their NestMembers attribute, are among those listed.\n")
                .append("No other change was made to them. Classes changed (").append(summary.changed.size())
                .append("):\n");
        for (String name : summary.changed.keySet()) {
            text.append(name).append('\n');
        }
        if (!summary.addedClasses.isEmpty()) {
            text.append("Classes added (").append(summary.addedClasses.size()).append("):\n");
            for (String name : summary.addedClasses.keySet()) {
                text.append(name).append('\n');
            }
        }
        return text.toString();
    }

    /**
     * Null where ASM's {@link Analyzer} with a {@link BasicVerifier} accepts every method of the class (the
     * stack and locals of each instruction, method and field descriptors, the maximum stack and locals), every
     * call of an added method ({@value #PREFIX}N) is an {@code invokestatic} of a method the class adds with that
     * descriptor, and every added method has the shape {@link #addedShape} checks (the basic verifier takes any
     * reference for any other, so an {@code append} overload that does not fit its operand would pass it);
     * otherwise the first method it refuses and why.
     */
    static String verify(byte[] classBytes) {
        ClassNode node = new ClassNode();
        new ClassReader(classBytes).accept(node, 0);
        Map<String, MethodNode> added = new HashMap<>();
        for (MethodNode method : node.methods) {
            if (method.name.startsWith(PREFIX)) {
                added.put(method.name + method.desc, method);
            }
        }
        for (MethodNode method : node.methods) {
            if (method.instructions.size() == 0) {
                continue; // abstract or native
            }
            try {
                new Analyzer<>(new BasicVerifier()).analyze(node.name, method);
            } catch (AnalyzerException | RuntimeException refused) {
                return node.name + "." + method.name + method.desc + ": " + refused.getMessage();
            }
            String problem = added.containsKey(method.name + method.desc) ? addedShape(method) : null;
            for (AbstractInsnNode insn : method.instructions) {
                if (problem != null) {
                    break;
                }
                if (insn instanceof MethodInsnNode) {
                    MethodInsnNode call = (MethodInsnNode) insn;
                    if (call.name.startsWith(PREFIX) && (call.getOpcode() != Opcodes.INVOKESTATIC
                            || !call.owner.equals(node.name) || !added.containsKey(call.name + call.desc))) {
                        problem = "calls " + call.owner + "." + call.name + call.desc + ", which it does not add";
                    }
                }
            }
            if (problem != null) {
                return node.name + "." + method.name + method.desc + ": " + problem;
            }
        }
        return null;
    }

    /**
     * Null where an added method has the one shape {@link Inliner} writes (what {@link BasicVerifier}, which takes
     * every reference for any other, cannot see): {@code new StringBuilder(int)}, then per part an {@code ldc} of a
     * String appended as a String, or the load of a parameter (the load its type needs) appended with the overload
     * {@link Inliner#appendType} gives that type, then {@code toString()} and {@code areturn}; otherwise the first
     * instruction that departs from it.
     */
    private static String addedShape(MethodNode method) {
        Type[] types = Type.getArgumentTypes(method.desc);
        Map<Integer, Type> bySlot = new HashMap<>();
        int slot = 0;
        for (Type type : types) {
            bySlot.put(slot, type);
            slot += type.getSize();
        }
        List<AbstractInsnNode> code = new ArrayList<>();
        for (AbstractInsnNode insn : method.instructions) {
            if (insn.getOpcode() >= 0) {
                code.add(insn); // not a label, line number or frame
            }
        }
        String builder = "L" + BUILDER + ";";
        int n = code.size();
        boolean head = n >= 6 && code.get(0).getOpcode() == Opcodes.NEW
                && ((TypeInsnNode) code.get(0)).desc.equals(BUILDER) && code.get(1).getOpcode() == Opcodes.DUP && code.get(2).getOpcode() == Opcodes.LDC
                && ((LdcInsnNode) code.get(2)).cst instanceof Integer
                && calls(code.get(3), Opcodes.INVOKESPECIAL, "<init>", "(I)V");
        boolean tail = n >= 6 && calls(code.get(n - 2), Opcodes.INVOKEVIRTUAL, "toString", "()Ljava/lang/String;")
                && code.get(n - 1).getOpcode() == Opcodes.ARETURN && method.desc.endsWith(")Ljava/lang/String;");
        if (!head || !tail || (n - 6) % 2 != 0) {
            return "not new StringBuilder(int) ... toString() areturn";
        }
        for (int i = 4; i < n - 2; i += 2) {
            AbstractInsnNode value = code.get(i);
            String operand;
            if (value instanceof LdcInsnNode && ((LdcInsnNode) value).cst instanceof String) {
                operand = "Ljava/lang/String;";
            } else if (value instanceof VarInsnNode && bySlot.containsKey(((VarInsnNode) value).var)
                    && value.getOpcode() == bySlot.get(((VarInsnNode) value).var).getOpcode(Opcodes.ILOAD)) {
                operand = Inliner.appendType(bySlot.get(((VarInsnNode) value).var));
            } else {
                return "instruction " + i + " is neither a String constant nor a parameter's load";
            }
            if (!calls(code.get(i + 1), Opcodes.INVOKEVIRTUAL, "append", "(" + operand + ")" + builder)) {
                return "instruction " + (i + 1) + " is not append(" + operand + ")";
            }
        }
        return null;
    }

    private static boolean calls(AbstractInsnNode insn, int opcode, String name, String desc) {
        if (!(insn instanceof MethodInsnNode) || insn.getOpcode() != opcode) {
            return false;
        }
        MethodInsnNode call = (MethodInsnNode) insn;
        return call.owner.equals(BUILDER) && call.name.equals(name) && call.desc.equals(desc) && !call.itf;
    }

    /** As {@link #replaceEntries(Path, Map, Map)}, nothing added. */
    static void replaceEntries(Path jar, Map<String, byte[]> contents) throws IOException {
        replaceEntries(jar, contents, Map.of());
    }

    /**
     * Writes the jar again with the given entries' contents replaced (deflated, no extra fields), every other
     * entry's local record and central directory record copied byte for byte (only their offsets change), in the
     * central directory's order, then the {@code added} entries (deflated, with the first entry's time); the new
     * file replaces the jar once written whole. Jars that need zip64 records are refused (more than 0xFFFE,
     * 65,534, entries after the rewrite).
     */
    static void replaceEntries(Path jar, Map<String, byte[]> contents, Map<String, byte[]> added)
            throws IOException {
        byte[] d = Files.readAllBytes(jar);
        int eocd = -1;
        for (int p = d.length - 22; p >= Math.max(0, d.length - 22 - 0xFFFF); p--) {
            if (u32(d, p) == 0x06054b50L && p + 22 + u16(d, p + 20) == d.length) {
                eocd = p;
                break;
            }
        }
        if (eocd < 0) {
            throw new IOException("no end of central directory record in " + jar);
        }
        int total = u16(d, eocd + 10);
        long cenSize = u32(d, eocd + 12);
        long cenStart = u32(d, eocd + 16);
        if (total == 0xFFFF || cenSize == 0xFFFFFFFFL || cenStart == 0xFFFFFFFFL || d.length > Integer.MAX_VALUE - 8
                || cenStart + cenSize > eocd) {
            throw new IOException("a zip64 or damaged jar, not rewritten: " + jar);
        }
        int[] record = new int[total];
        long[] local = new long[total];
        int p = (int) cenStart;
        for (int i = 0; i < total; i++) {
            if (u32(d, p) != 0x02014b50L) {
                throw new IOException("bad central directory record " + i + " in " + jar);
            }
            record[i] = p;
            local[i] = u32(d, p + 42);
            p += 46 + u16(d, p + 28) + u16(d, p + 30) + u16(d, p + 32);
        }
        long[] starts = local.clone();
        java.util.Arrays.sort(starts);
        Path tmp = jar.resolveSibling(jar.getFileName() + ".rewrite.tmp");
        java.io.ByteArrayOutputStream cen = new java.io.ByteArrayOutputStream((int) cenSize + 64);
        int replaced = 0;
        try (java.io.OutputStream out = new java.io.BufferedOutputStream(Files.newOutputStream(tmp), 1 << 16)) {
            long position = 0;
            for (int i = 0; i < total; i++) {
                int r = record[i];
                int nameLength = u16(d, r + 28);
                int recordLength = 46 + nameLength + u16(d, r + 30) + u16(d, r + 32);
                String name = new String(d, r + 46, nameLength, java.nio.charset.StandardCharsets.UTF_8);
                byte[] copy = java.util.Arrays.copyOfRange(d, r, r + recordLength);
                put32(copy, 42, position);
                byte[] content = contents.get(name);
                if (content == null) {
                    int at = java.util.Arrays.binarySearch(starts, local[i]);
                    long end = at + 1 < starts.length ? starts[at + 1] : cenStart;
                    out.write(d, (int) local[i], (int) (end - local[i]));
                    position += end - local[i];
                } else {
                    byte[] deflated = deflate(content);
                    java.util.zip.CRC32 crc = new java.util.zip.CRC32();
                    crc.update(content);
                    int flags = u16(d, r + 8) & ~0x0008; // sizes in the local header, no data descriptor
                    put16(copy, 8, flags);
                    put16(copy, 10, java.util.zip.ZipEntry.DEFLATED);
                    put32(copy, 16, crc.getValue());
                    put32(copy, 20, deflated.length);
                    put32(copy, 24, content.length);
                    byte[] header = new byte[30 + nameLength];
                    put32(header, 0, 0x04034b50L);
                    System.arraycopy(copy, 6, header, 4, 26); // version needed .. name length, as the record's
                    put16(header, 28, 0); // no extra field
                    System.arraycopy(d, r + 46, header, 30, nameLength);
                    out.write(header);
                    out.write(deflated);
                    position += header.length + deflated.length;
                    replaced++;
                }
                cen.write(copy);
            }
            if (replaced != contents.size()) {
                throw new IOException((contents.size() - replaced) + " of the entries to replace are not in " + jar);
            }
            if (total + added.size() > 0xFFFE) {
                throw new IOException("the rewritten jar would need zip64 records: " + jar);
            }
            for (Map.Entry<String, byte[]> a : added.entrySet()) {
                byte[] name = a.getKey().getBytes(java.nio.charset.StandardCharsets.UTF_8);
                byte[] content = a.getValue();
                byte[] deflated = deflate(content);
                java.util.zip.CRC32 crc = new java.util.zip.CRC32();
                crc.update(content);
                byte[] copy = new byte[46 + name.length];
                put32(copy, 0, 0x02014b50L);
                put16(copy, 4, 20); // made by: version 2.0
                put16(copy, 6, 20); // needed: version 2.0
                put16(copy, 8, 0x0800); // UTF-8 name
                put16(copy, 10, java.util.zip.ZipEntry.DEFLATED);
                System.arraycopy(d, record[0] + 12, copy, 12, 4); // time and date of the first entry
                put32(copy, 16, crc.getValue());
                put32(copy, 20, deflated.length);
                put32(copy, 24, content.length);
                put16(copy, 28, name.length);
                put32(copy, 42, position);
                System.arraycopy(name, 0, copy, 46, name.length);
                byte[] header = new byte[30 + name.length];
                put32(header, 0, 0x04034b50L);
                System.arraycopy(copy, 6, header, 4, 26);
                put16(header, 28, 0);
                System.arraycopy(name, 0, header, 30, name.length);
                out.write(header);
                out.write(deflated);
                position += header.length + deflated.length;
                cen.write(copy);
            }
            byte[] end = java.util.Arrays.copyOfRange(d, eocd, d.length);
            put16(end, 8, total + added.size());
            put16(end, 10, total + added.size());
            put32(end, 12, cen.size());
            put32(end, 16, position);
            if (position + cen.size() > 0xFFFFFFFFL) {
                throw new IOException("the rewritten jar would need zip64 records: " + jar);
            }
            cen.writeTo(out);
            out.write(end);
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(tmp);
            throw e;
        }
        Files.move(tmp, jar, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    }

    private static byte[] deflate(byte[] content) {
        java.util.zip.Deflater deflater = new java.util.zip.Deflater(java.util.zip.Deflater.DEFAULT_COMPRESSION, true);
        try {
            deflater.setInput(content);
            deflater.finish();
            java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream(content.length / 2 + 64);
            byte[] buffer = new byte[8192];
            while (!deflater.finished()) {
                out.write(buffer, 0, deflater.deflate(buffer));
            }
            return out.toByteArray();
        } finally {
            deflater.end();
        }
    }

    private static int u16(byte[] b, int p) {
        return (b[p] & 0xFF) | (b[p + 1] & 0xFF) << 8;
    }

    private static long u32(byte[] b, int p) {
        return (u16(b, p) | (long) u16(b, p + 2) << 16) & 0xFFFFFFFFL;
    }

    private static void put16(byte[] b, int p, int v) {
        b[p] = (byte) v;
        b[p + 1] = (byte) (v >>> 8);
    }

    private static void put32(byte[] b, int p, long v) {
        put16(b, p, (int) (v & 0xFFFF));
        put16(b, p + 2, (int) (v >>> 16 & 0xFFFF));
    }

    /** A class's bytes rewritten, how many concatenation sites and MBean server calls changed. */
    static final class Result {
        final byte[] bytes;
        final int sites;
        final int redirected;
        final int lazyFormats;
        final int directMemoryCalls;

        Result(byte[] bytes, int sites, int redirected, int lazyFormats, int directMemoryCalls) {
            this.directMemoryCalls = directMemoryCalls;
            this.bytes = bytes;
            this.sites = sites;
            this.redirected = redirected;
            this.lazyFormats = lazyFormats;
        }
    }

    /**
     * The class with its string concatenation call sites (and, in {@value #METRIC_UTILS}, its platform MBean
     * server calls) rewritten, or null where none was (none there, only sites it leaves, or a class ASM cannot
     * read).
     */
    static Result rewrite(byte[] classBytes) {
        return rewrite(classBytes, true);
    }

    /** As {@link #rewrite(byte[])}, the MBean server call left where {@code redirect} is false. */
    static Result rewrite(byte[] classBytes, boolean redirect) {
        return rewrite(classBytes, redirect, JarRewrite::classpathBytes);
    }

    /**
     * As {@link #rewrite(byte[], boolean)}, a nest member's class file (by internal name; null where there is
     * none) taken from {@code classes}.
     */
    static Result rewrite(byte[] classBytes, boolean redirect, Function<String, byte[]> classes) {
        ClassReader reader;
        try {
            reader = new ClassReader(classBytes);
        } catch (RuntimeException unreadable) {
            return null;
        }
        ClassWriter writer = new ClassWriter(reader, 0);
        Inliner inliner = new Inliner(writer, redirect);
        try {
            reader.accept(inliner, 0);
        } catch (RuntimeException unreadable) {
            return null;
        }
        byte[] out = inliner.sites == 0 && inliner.redirected == 0 ? classBytes : writer.toByteArray();
        int lazyFormats = 0;
        if (PROFILING_SERVICE.equals(reader.getClassName())) {
            byte[] lazy = lazyDateFormat(out, classes);
            if (lazy != null) {
                out = lazy;
                lazyFormats = 1;
            }
        }
        int direct = 0;
        if (HARDWARE.equals(reader.getClassName()) && classes.apply(PHYSICAL_MEMORY) != null) {
            byte[] changed = directPhysicalMemory(out);
            if (changed != null) {
                out = changed;
                direct = 1;
            }
        }
        return inliner.sites == 0 && inliner.redirected == 0 && lazyFormats == 0 && direct == 0 ? null
                : new Result(out, inliner.sites, inliner.redirected, lazyFormats, direct);
    }

    /**
     * The class with the reflective call in its {@code static long getSizeOfPhysicalMemory()} ({@code
     * aload method; aload bean; iconst_0; anewarray Object; invokevirtual Method.invoke; checkcast Long;
     * invokevirtual Long.longValue}, where {@code method} is stored once, from {@code Class.getMethod} of the
     * constant name {@value #TOTAL_MEMORY} with no parameter types, and {@code bean} once, from {@code
     * ManagementFactory.getOperatingSystemMXBean()}) replaced by {@code aload bean; invokestatic
     * PhysicalMemorySize.total}; nothing else changed. Null where the class has no such method or the method
     * not exactly that one such call.
     */
    static byte[] directPhysicalMemory(byte[] classBytes) {
        ClassNode node = new ClassNode();
        new ClassReader(classBytes).accept(node, 0);
        MethodNode target = null;
        for (MethodNode method : node.methods) {
            if (method.name.equals("getSizeOfPhysicalMemory") && method.desc.equals("()J")
                    && (method.access & Opcodes.ACC_STATIC) != 0) {
                target = method;
            }
        }
        if (target == null) {
            return null;
        }
        AbstractInsnNode[] call = null;
        for (AbstractInsnNode insn : target.instructions) {
            if (!invokes(insn, Opcodes.INVOKEVIRTUAL, "java/lang/reflect/Method", "invoke",
                    "(Ljava/lang/Object;[Ljava/lang/Object;)Ljava/lang/Object;")) {
                continue;
            }
            AbstractInsnNode[] run = new AbstractInsnNode[7];
            run[4] = insn;
            for (int i = 3; i >= 0; i--) {
                run[i] = run[i + 1] == null ? null : run[i + 1].getPrevious();
            }
            for (int i = 5; i < 7; i++) {
                run[i] = run[i - 1] == null ? null : run[i - 1].getNext();
            }
            if (run[0] == null || run[6] == null || call != null) {
                return null; // a second reflective call, or one cut short: not the shape this rewrite knows
            }
            if (run[0].getOpcode() != Opcodes.ALOAD || run[1].getOpcode() != Opcodes.ALOAD
                    || run[2].getOpcode() != Opcodes.ICONST_0 || run[3].getOpcode() != Opcodes.ANEWARRAY
                    || !"java/lang/Object".equals(((TypeInsnNode) run[3]).desc)
                    || run[5].getOpcode() != Opcodes.CHECKCAST || !"java/lang/Long".equals(((TypeInsnNode) run[5]).desc)
                    || !invokes(run[6], Opcodes.INVOKEVIRTUAL, "java/lang/Long", "longValue", "()J")) {
                return null;
            }
            call = run;
        }
        if (call == null) {
            return null;
        }
        int methodLocal = ((VarInsnNode) call[0]).var;
        int beanLocal = ((VarInsnNode) call[1]).var;
        if (methodLocal == beanLocal || !storedOnceFrom(target, methodLocal, Opcodes.INVOKEVIRTUAL,
                "java/lang/Class", "getMethod", "(Ljava/lang/String;[Ljava/lang/Class;)Ljava/lang/reflect/Method;")
                || !storedOnceFrom(target, beanLocal, Opcodes.INVOKESTATIC, MANAGEMENT_FACTORY,
                        "getOperatingSystemMXBean", "()Ljava/lang/management/OperatingSystemMXBean;")) {
            return null;
        }
        // the method looked up: getMethod(TOTAL_MEMORY, new Class[0])
        AbstractInsnNode lookup = storeOf(target, methodLocal).getPrevious();
        AbstractInsnNode noTypes = lookup.getPrevious();
        AbstractInsnNode zero = noTypes == null ? null : noTypes.getPrevious();
        AbstractInsnNode name = zero == null ? null : zero.getPrevious();
        if (noTypes == null || noTypes.getOpcode() != Opcodes.ANEWARRAY
                || !"java/lang/Class".equals(((TypeInsnNode) noTypes).desc) || zero.getOpcode() != Opcodes.ICONST_0
                || !(name instanceof LdcInsnNode) || !TOTAL_MEMORY.equals(((LdcInsnNode) name).cst)) {
            return null;
        }
        InsnList direct = new InsnList();
        direct.add(new VarInsnNode(Opcodes.ALOAD, beanLocal));
        direct.add(new MethodInsnNode(Opcodes.INVOKESTATIC, PHYSICAL_MEMORY, "total", PHYSICAL_MEMORY_DESCRIPTOR,
                false));
        target.instructions.insertBefore(call[0], direct);
        for (AbstractInsnNode insn : call) {
            target.instructions.remove(insn);
        }
        ClassWriter writer = new ClassWriter(0);
        node.accept(writer);
        return writer.toByteArray();
    }

    /** The one {@code astore} of the local in the method, or null where there is not exactly one. */
    private static AbstractInsnNode storeOf(MethodNode method, int local) {
        AbstractInsnNode store = null;
        for (AbstractInsnNode insn : method.instructions) {
            if (insn instanceof VarInsnNode && ((VarInsnNode) insn).var == local) {
                if (insn.getOpcode() != Opcodes.ALOAD) {
                    if (store != null || insn.getOpcode() != Opcodes.ASTORE) {
                        return null;
                    }
                    store = insn;
                }
            } else if (insn instanceof org.apache.flink.shaded.asm9.org.objectweb.asm.tree.IincInsnNode
                    && ((org.apache.flink.shaded.asm9.org.objectweb.asm.tree.IincInsnNode) insn).var == local) {
                return null;
            }
        }
        return store;
    }

    /** Whether the local is stored exactly once in the method, right after the given call. */
    private static boolean storedOnceFrom(MethodNode method, int local, int opcode, String owner, String name,
            String desc) {
        AbstractInsnNode store = storeOf(method, local);
        if (store == null) {
            return false;
        }
        AbstractInsnNode before = store.getPrevious();
        return invokes(before, opcode, owner, name, desc);
    }

    /** Whether the instruction is a call of exactly that method (a class's, not an interface's). */
    private static boolean invokes(AbstractInsnNode insn, int opcode, String owner, String name, String desc) {
        if (!(insn instanceof MethodInsnNode) || insn.getOpcode() != opcode) {
            return false;
        }
        MethodInsnNode call = (MethodInsnNode) insn;
        return call.owner.equals(owner) && call.name.equals(name) && call.desc.equals(desc) && !call.itf;
    }

    /**
     * The class with the static {@code SimpleDateFormat} its initializer makes ({@code new SimpleDateFormat(
     * constant)} stored by {@code putstatic} into a private static field of the class, stored nowhere else) made
     * at first use instead: those five instructions leave the initializer, an added private static synchronized
     * method {@value #LAZY_DATE_FORMAT} makes the same format into the field where it is still null and returns
     * the field, every {@code getstatic} of the field calls that method, and the field is no longer
     * {@code final}. Null where the class has no such initializer and field, or already has the method, or a
     * nest member of the class (its class file read from the classpath) touches the field or cannot be read.
     */
    static byte[] lazyDateFormat(byte[] classBytes) {
        return lazyDateFormat(classBytes, JarRewrite::classpathBytes);
    }

    /** As {@link #lazyDateFormat(byte[])}, the nest members' class files taken from {@code classes}. */
    static byte[] lazyDateFormat(byte[] classBytes, Function<String, byte[]> classes) {
        ClassNode node = new ClassNode();
        new ClassReader(classBytes).accept(node, 0);
        String formatType = "L" + DATE_FORMAT + ";";
        String getter = "()" + formatType;
        MethodNode init = null;
        for (MethodNode method : node.methods) {
            if (method.name.equals(LAZY_DATE_FORMAT)) {
                return null;
            }
            if (method.name.equals("<clinit>")) {
                init = method;
            }
        }
        if (init == null) {
            return null;
        }
        // new SimpleDateFormat; dup; ldc pattern; invokespecial <init>(String); putstatic field
        AbstractInsnNode[] made = null;
        for (AbstractInsnNode insn : init.instructions) {
            AbstractInsnNode[] run = new AbstractInsnNode[5];
            AbstractInsnNode at = insn;
            for (int i = 0; i < 5 && at != null; i++, at = at.getNext()) {
                run[i] = at;
            }
            if (run[4] != null && run[0].getOpcode() == Opcodes.NEW && DATE_FORMAT.equals(((TypeInsnNode) run[0]).desc)
                    && run[1].getOpcode() == Opcodes.DUP
                    && run[2] instanceof LdcInsnNode && ((LdcInsnNode) run[2]).cst instanceof String
                    && run[3].getOpcode() == Opcodes.INVOKESPECIAL && DATE_FORMAT.equals(((MethodInsnNode) run[3]).owner)
                    && "<init>".equals(((MethodInsnNode) run[3]).name)
                    && "(Ljava/lang/String;)V".equals(((MethodInsnNode) run[3]).desc)
                    && run[4].getOpcode() == Opcodes.PUTSTATIC && node.name.equals(((FieldInsnNode) run[4]).owner)
                    && formatType.equals(((FieldInsnNode) run[4]).desc)) {
                if (made != null) {
                    return null; // two such formats: not the shape this rewrite knows
                }
                made = run;
            }
        }
        if (made == null) {
            return null;
        }
        String fieldName = ((FieldInsnNode) made[4]).name;
        FieldNode field = null;
        for (FieldNode f : node.fields) {
            if (f.name.equals(fieldName) && f.desc.equals(formatType)) {
                field = f;
            }
        }
        int needed = Opcodes.ACC_PRIVATE | Opcodes.ACC_STATIC;
        if (field == null || (field.access & needed) != needed) {
            return null;
        }
        List<FieldInsnNode> reads = new ArrayList<>();
        for (MethodNode method : node.methods) {
            for (AbstractInsnNode insn : method.instructions) {
                if (insn instanceof FieldInsnNode && node.name.equals(((FieldInsnNode) insn).owner)
                        && fieldName.equals(((FieldInsnNode) insn).name)) {
                    if (insn.getOpcode() == Opcodes.GETSTATIC) {
                        reads.add((FieldInsnNode) insn);
                    } else if (insn != made[4]) {
                        return null; // stored elsewhere too
                    }
                }
            }
        }
        // a nest member (Java 11+) reads or writes the host's private field without an accessor: such code
        // would see the field null, so the class is left as it is where one does, or where one cannot be read
        if (node.nestMembers != null) {
            for (String member : node.nestMembers) {
                byte[] memberBytes = classes.apply(member);
                if (memberBytes == null || touchesField(memberBytes, node.name, fieldName)) {
                    return null;
                }
            }
        }
        String pattern = (String) ((LdcInsnNode) made[2]).cst;
        for (AbstractInsnNode insn : made) {
            init.instructions.remove(insn);
        }
        boolean onInterface = (node.access & Opcodes.ACC_INTERFACE) != 0;
        for (FieldInsnNode read : reads) {
            for (MethodNode method : node.methods) {
                if (method.instructions.contains(read)) {
                    method.instructions.set(read,
                            new MethodInsnNode(Opcodes.INVOKESTATIC, node.name, LAZY_DATE_FORMAT, getter, onInterface));
                }
            }
        }
        field.access &= ~Opcodes.ACC_FINAL;
        MethodNode lazy = new MethodNode(Opcodes.ASM9,
                Opcodes.ACC_PRIVATE | Opcodes.ACC_STATIC | Opcodes.ACC_SYNCHRONIZED | Opcodes.ACC_SYNTHETIC,
                LAZY_DATE_FORMAT, getter, null, null);
        InsnList code = lazy.instructions;
        LabelNode ready = new LabelNode();
        code.add(new FieldInsnNode(Opcodes.GETSTATIC, node.name, fieldName, formatType));
        code.add(new JumpInsnNode(Opcodes.IFNONNULL, ready));
        code.add(new TypeInsnNode(Opcodes.NEW, DATE_FORMAT));
        code.add(new InsnNode(Opcodes.DUP));
        code.add(new LdcInsnNode(pattern));
        code.add(new MethodInsnNode(Opcodes.INVOKESPECIAL, DATE_FORMAT, "<init>", "(Ljava/lang/String;)V", false));
        code.add(new FieldInsnNode(Opcodes.PUTSTATIC, node.name, fieldName, formatType));
        code.add(ready);
        if (node.version >= Opcodes.V1_6) {
            code.add(new FrameNode(Opcodes.F_SAME, 0, null, 0, null));
        }
        code.add(new FieldInsnNode(Opcodes.GETSTATIC, node.name, fieldName, formatType));
        code.add(new InsnNode(Opcodes.ARETURN));
        lazy.maxStack = 3;
        lazy.maxLocals = 0;
        node.methods.add(lazy);
        ClassWriter writer = new ClassWriter(0);
        node.accept(writer);
        return writer.toByteArray();
    }

    /** Whether a method of the class reads or writes {@code owner}'s static field {@code field}. */
    private static boolean touchesField(byte[] classBytes, String owner, String field) {
        ClassNode node = new ClassNode();
        try {
            new ClassReader(classBytes).accept(node, 0);
        } catch (RuntimeException unreadable) {
            return true;
        }
        for (MethodNode method : node.methods) {
            for (AbstractInsnNode insn : method.instructions) {
                if (insn instanceof FieldInsnNode && owner.equals(((FieldInsnNode) insn).owner)
                        && field.equals(((FieldInsnNode) insn).name)) {
                    return true;
                }
            }
        }
        return false;
    }

    private static boolean contains(byte[] bytes, byte[] pattern) {
        outer:
        for (int i = 0, end = bytes.length - pattern.length; i <= end; i++) {
            for (int j = 0; j < pattern.length; j++) {
                if (bytes[i + j] != pattern[j]) {
                    continue outer;
                }
            }
            return true;
        }
        return false;
    }

    /** A site's parts: literal text (a String) or the index of an operand (an Integer). */
    static List<Object> parts(String name, String recipe, Object[] constants, int operands) {
        List<Object> parts = new ArrayList<>();
        if ("makeConcat".equals(name)) {
            for (int i = 0; i < operands; i++) {
                parts.add(i);
            }
            return parts;
        }
        StringBuilder text = new StringBuilder();
        int operand = 0;
        int constant = 0;
        for (int i = 0; i < recipe.length(); i++) {
            char c = recipe.charAt(i);
            if (c == ARGUMENT) {
                if (text.length() > 0) {
                    parts.add(text.toString());
                    text.setLength(0);
                }
                parts.add(operand++);
            } else if (c == CONSTANT) {
                if (constant >= constants.length) {
                    return null;
                }
                Object value = constants[constant++];
                if (value instanceof String || value instanceof Integer || value instanceof Long
                        || value instanceof Float || value instanceof Double) {
                    text.append(value);
                } else {
                    return null;
                }
            } else {
                text.append(c);
            }
        }
        if (text.length() > 0) {
            parts.add(text.toString());
        }
        for (Object part : parts) {
            if (part instanceof String && ((String) part).length() > MAX_LITERAL) {
                return null; // may not fit one constant of the class's pool
            }
        }
        return operand == operands && constant == constants.length ? parts : null;
    }

    private static final class Inliner extends ClassVisitor {
        private String owner;
        private boolean isInterface;
        private final Map<String, String> methods = new HashMap<>();
        private final Map<String, Object[]> bodies = new LinkedHashMap<>();
        int sites;
        int redirected;
        private final boolean redirect;

        Inliner(ClassVisitor next, boolean redirect) {
            super(Opcodes.ASM9, next);
            this.redirect = redirect;
        }

        @Override
        public void visit(int version, int access, String name, String signature, String superName,
                String[] interfaces) {
            owner = name;
            isInterface = (access & Opcodes.ACC_INTERFACE) != 0;
            super.visit(version, access, name, signature, superName, interfaces);
        }

        @Override
        public MethodVisitor visitMethod(int access, String name, String descriptor, String signature,
                String[] exceptions) {
            MethodVisitor next = super.visitMethod(access, name, descriptor, signature, exceptions);
            return new MethodVisitor(Opcodes.ASM9, next) {
                @Override
                public void visitInvokeDynamicInsn(String siteName, String siteDescriptor, Handle bootstrap,
                        Object... arguments) {
                    String method = inlined(siteName, siteDescriptor, bootstrap, arguments);
                    if (method == null) {
                        super.visitInvokeDynamicInsn(siteName, siteDescriptor, bootstrap, arguments);
                    } else {
                        super.visitMethodInsn(Opcodes.INVOKESTATIC, owner, method, siteDescriptor, isInterface);
                    }
                }

                @Override
                public void visitMethodInsn(int opcode, String callee, String calleeName, String calleeDescriptor,
                        boolean onInterface) {
                    if (redirect && opcode == Opcodes.INVOKESTATIC && METRIC_UTILS.equals(owner)
                            && MANAGEMENT_FACTORY.equals(callee) && PLATFORM_SERVER.equals(calleeName)
                            && SERVER_DESCRIPTOR.equals(calleeDescriptor)) {
                        redirected++;
                        super.visitMethodInsn(Opcodes.INVOKESTATIC, LAZY_SERVER, "platform", SERVER_DESCRIPTOR,
                                false);
                    } else {
                        super.visitMethodInsn(opcode, callee, calleeName, calleeDescriptor, onInterface);
                    }
                }
            };
        }

        private String inlined(String siteName, String descriptor, Handle bootstrap, Object[] arguments) {
            if (!FACTORY.equals(bootstrap.getOwner())) {
                return null;
            }
            if (!Type.getReturnType(descriptor).getDescriptor().equals("Ljava/lang/String;")) {
                return null;
            }
            int operands = Type.getArgumentTypes(descriptor).length;
            List<Object> parts;
            if ("makeConcatWithConstants".equals(siteName) && arguments.length >= 1
                    && arguments[0] instanceof String) {
                Object[] constants = new Object[arguments.length - 1];
                System.arraycopy(arguments, 1, constants, 0, constants.length);
                parts = parts(siteName, (String) arguments[0], constants, operands);
            } else if ("makeConcat".equals(siteName) && arguments.length == 0) {
                parts = parts(siteName, "", new Object[0], operands);
            } else {
                return null;
            }
            if (parts == null) {
                return null;
            }
            StringBuilder key = new StringBuilder(descriptor);
            for (Object part : parts) {
                if (part instanceof String) {
                    key.append('S').append(((String) part).length()).append(':').append((String) part);
                } else {
                    key.append('A').append((int) (Integer) part);
                }
            }
            String method = methods.get(key.toString());
            if (method == null) {
                method = PREFIX + methods.size();
                methods.put(key.toString(), method);
                bodies.put(method, new Object[] {descriptor, parts});
            }
            sites++;
            return method;
        }

        @Override
        @SuppressWarnings("unchecked")
        public void visitEnd() {
            for (Map.Entry<String, Object[]> e : bodies.entrySet()) {
                String descriptor = (String) e.getValue()[0];
                write(super.visitMethod(Opcodes.ACC_PRIVATE | Opcodes.ACC_STATIC | Opcodes.ACC_SYNTHETIC,
                        e.getKey(), descriptor, null, null), descriptor, (List<Object>) e.getValue()[1]);
            }
            super.visitEnd();
        }

        private static void write(MethodVisitor mv, String descriptor, List<Object> parts) {
            Type[] types = Type.getArgumentTypes(descriptor);
            int[] slots = new int[types.length];
            int locals = 0;
            for (int i = 0; i < types.length; i++) {
                slots[i] = locals;
                locals += types[i].getSize();
            }
            int literal = 0;
            for (Object part : parts) {
                if (part instanceof String) {
                    literal += ((String) part).length();
                }
            }
            mv.visitCode();
            mv.visitTypeInsn(Opcodes.NEW, BUILDER);
            mv.visitInsn(Opcodes.DUP);
            mv.visitLdcInsn(literal + 16 * types.length);
            mv.visitMethodInsn(Opcodes.INVOKESPECIAL, BUILDER, "<init>", "(I)V", false);
            for (Object part : parts) {
                String append;
                if (part instanceof String) {
                    mv.visitLdcInsn(part);
                    append = "(Ljava/lang/String;)";
                } else {
                    int i = (Integer) part;
                    Type type = types[i];
                    mv.visitVarInsn(type.getOpcode(Opcodes.ILOAD), slots[i]);
                    append = "(" + appendType(type) + ")";
                }
                mv.visitMethodInsn(Opcodes.INVOKEVIRTUAL, BUILDER, "append", append + "L" + BUILDER + ";", false);
            }
            mv.visitMethodInsn(Opcodes.INVOKEVIRTUAL, BUILDER, "toString", "()Ljava/lang/String;", false);
            mv.visitInsn(Opcodes.ARETURN);
            mv.visitMaxs(4, locals);
            mv.visitEnd();
        }

        /** The descriptor of the {@code append} overload that renders a value as {@code String.valueOf} does. */
        private static String appendType(Type type) {
            switch (type.getSort()) {
                case Type.BOOLEAN:
                    return "Z";
                case Type.CHAR:
                    return "C";
                case Type.BYTE:
                case Type.SHORT:
                case Type.INT:
                    return "I";
                case Type.LONG:
                    return "J";
                case Type.FLOAT:
                    return "F";
                case Type.DOUBLE:
                    return "D";
                default:
                    return type.getDescriptor().equals("Ljava/lang/String;") ? "Ljava/lang/String;"
                            : "Ljava/lang/Object;";
            }
        }
    }
}
