package dev.keymem.jobs.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URL;
import java.net.URLConnection;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Iterator;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import dev.keymem.jobs.rpc.LocalRpcSystem;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.classloading.SubmoduleClassLoader;
import org.apache.flink.runtime.rpc.AddressResolution;
import org.apache.flink.runtime.rpc.CleanupOnCloseRpcSystem;
import org.apache.flink.runtime.rpc.RpcSystem;
import org.apache.flink.runtime.rpc.RpcSystemLoader;
import org.apache.flink.runtime.rpc.exceptions.RpcLoaderException;
import org.apache.flink.runtime.rpc.pekko.PekkoRpcSystemLoader;

/**
 * The RPC system of memctl's clusters. keymem's in-JVM {@link LocalRpcSystem} where the configuration's
 * {@link LocalRpcSystem#ENABLED} (or, where it is not set, the system property {@value LocalRpcSystem#PROPERTY})
 * asks for it: memctl's file runs do ({@code JobCli}), unless {@code -Dkeymem.rpc.local=false}. Else Flink's Pekko
 * RPC system as the memctl launcher runs it; declines (and Flink's own {@link PekkoRpcSystemLoader}
 * loads it) unless one of two system properties asks for it:
 * <ul>
 *   <li>{@value #JAR_PROPERTY}{@code =FILE}: the RPC system is loaded from FILE, a copy of the nested jar
 *       {@value #NESTED_JAR} that the build wrote once beside memctl.jar ({@link #writeJar}), by a class loader of
 *       its own as Flink's loader does (its Scala 2.12 must not meet the Scala 2.13 of memctl's class path), but
 *       without Flink's step of extracting the 21 MB jar into the cluster's temporary directory on every run.
 *       A FILE that is missing or whose size differs from the nested jar's is not used (Flink's loader then is).
 *   <li>{@value #SHARED_PROPERTY}{@code =true}: one RPC system per JVM, shared by every embedded cluster it
 *       starts and never closed (the class archive's training run, {@link ClassArchiveTraining}, sets it: a second
 *       copy of each Pekko class, from a second cluster's class loader, would leave some 600 of them out of the
 *       archive). From FILE when the other property names one, else extracted by Flink's loader into the first
 *       cluster's temporary directory (the open class loader keeps reading it).
 * </ul>
 */
public final class MemctlRpcSystemLoader implements RpcSystemLoader {
    /** The system property naming the RPC system's jar file. */
    public static final String JAR_PROPERTY = "keymem.rpc.jar";
    /** The system property that turns sharing on. */
    public static final String SHARED_PROPERTY = "keymem.rpc.shared";
    /** The RPC system's jar nested in flink-rpc-akka-loader (and so in memctl.jar), as Flink names it. */
    static final String NESTED_JAR = "flink-rpc-akka.jar";

    private static RpcSystem shared;

    @Override
    public int getLoadPriority() {
        return -1; // before Flink's (0)
    }

    @Override
    public RpcSystem loadRpcSystem(Configuration config) {
        if (LocalRpcSystem.requested(config)) {
            return new LocalRpcSystem();
        }
        Path jar = usableJar(System.getProperty(JAR_PROPERTY));
        if (!Boolean.getBoolean(SHARED_PROPERTY)) {
            if (jar == null) {
                throw new RpcLoaderException("no prebuilt RPC jar (-D" + JAR_PROPERTY + "=FILE) and no shared RPC "
                        + "system (-D" + SHARED_PROPERTY + "=true) asked for, or the jar is not usable");
            }
            return fromJar(jar);
        }
        synchronized (MemctlRpcSystemLoader.class) {
            if (shared == null) {
                shared = jar != null ? fromJar(jar) : new PekkoRpcSystemLoader().loadRpcSystem(config);
            }
            return new Unclosed(shared);
        }
    }

    /**
     * The file {@code name} (the value of {@value #JAR_PROPERTY}), when it exists and has the nested jar's size (a
     * jar left by another build of memctl would not); else null.
     */
    static Path usableJar(String name) {
        if (name == null || name.isEmpty()) {
            return null;
        }
        try {
            Path jar = Path.of(name);
            long expected = nestedJarSize();
            return Files.isRegularFile(jar) && expected >= 0 && Files.size(jar) == expected ? jar : null;
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /** The size of the nested jar on the class path, or -1 when there is none or it is unknown. */
    private static long nestedJarSize() throws IOException {
        URL url = RpcSystem.class.getClassLoader().getResource(NESTED_JAR);
        if (url == null) {
            return -1;
        }
        URLConnection c = url.openConnection(); // the entry's size from the jar's directory, nothing inflated
        return c.getContentLengthLong();
    }

    /**
     * The RPC system in {@code jar}, with a class loader of its own that closing the system closes; an
     * {@link RpcLoaderException} (so that Flink's own loader is tried next) when the jar does not hold one.
     */
    static RpcSystem fromJar(Path jar) {
        SubmoduleClassLoader loader = null;
        try {
            loader = new SubmoduleClassLoader(new URL[] {jar.toUri().toURL()}, RpcSystem.class.getClassLoader());
            Iterator<RpcSystem> it = ServiceLoader.load(RpcSystem.class, loader).iterator();
            if (!it.hasNext()) {
                throw new RpcLoaderException("no RPC system in " + jar);
            }
            return new CleanupOnCloseRpcSystem(it.next(), loader, null); // null: the jar file stays
        } catch (IOException | RuntimeException | ServiceConfigurationError e) {
            if (loader != null) {
                try {
                    loader.close();
                } catch (IOException suppressed) {
                    e.addSuppressed(suppressed);
                }
            }
            throw e instanceof RpcLoaderException r ? r
                    : new RpcLoaderException("could not load the RPC system from " + jar, e);
        }
    }

    /**
     * Writes the nested RPC jar of the class path to {@code target} (through a temporary file beside it, moved
     * into place), for {@value #JAR_PROPERTY}.
     */
    public static void writeJar(Path target) throws IOException {
        Path tmp = target.resolveSibling(target.getFileName() + ".tmp");
        try (InputStream in = RpcSystem.class.getClassLoader().getResourceAsStream(NESTED_JAR)) {
            if (in == null) {
                throw new IOException(NESTED_JAR + " is not on the class path");
            }
            try (OutputStream out = Files.newOutputStream(tmp)) {
                in.transferTo(out);
            }
            Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /** The shared system, with a close that does nothing. */
    private static final class Unclosed implements RpcSystem {
        private final RpcSystem rpc;

        Unclosed(RpcSystem rpc) {
            this.rpc = rpc;
        }

        @Override
        public RpcServiceBuilder localServiceBuilder(Configuration config) {
            return rpc.localServiceBuilder(config);
        }

        @Override
        public RpcServiceBuilder remoteServiceBuilder(Configuration config, String externalAddress,
                                                      String externalPortRange) {
            return rpc.remoteServiceBuilder(config, externalAddress, externalPortRange);
        }

        @Override
        public String getRpcUrl(String hostname, int port, String endpointName, AddressResolution addressResolution,
                                Configuration config) throws UnknownHostException {
            return rpc.getRpcUrl(hostname, port, endpointName, addressResolution, config);
        }

        @Override
        public InetSocketAddress getInetSocketAddressFromRpcUrl(String url) throws Exception {
            return rpc.getInetSocketAddressFromRpcUrl(url);
        }

        @Override
        public long getMaximumMessageSizeInBytes(Configuration config) {
            return rpc.getMaximumMessageSizeInBytes(config);
        }

        @Override
        public void close() {
            // shared: stays open for the next cluster
        }
    }
}
