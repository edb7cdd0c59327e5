package dev.keymem.jobs.cli;

import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.runtime.rpc.AddressResolution;
import org.apache.flink.runtime.rpc.RpcSystem;
import org.apache.flink.runtime.rpc.RpcSystemLoader;
import org.apache.flink.runtime.rpc.exceptions.RpcLoaderException;
import org.apache.flink.runtime.rpc.pekko.PekkoRpcSystemLoader;

/**
 * Flink's Pekko RPC system loaded once per JVM and shared by every embedded cluster it starts, when the system
 * property {@value #PROPERTY} is {@code true} (the class archive's training run, {@link ClassArchiveTraining},
 * sets it); otherwise this loader declines and Flink's own ({@link PekkoRpcSystemLoader}: the nested Pekko jar
 * extracted into the cluster's temporary directory and loaded by a class loader of its own, for each cluster)
 * loads it. One class loader for the Pekko classes is what lets the class data sharing archive hold them: a
 * second copy of each, from a second cluster's loader, leaves some 600 of them out of the archive.
 * The shared system is never closed (its jar file goes with the first cluster's temporary directory: the open
 * loader keeps reading it).
 */
public final class SharedRpcSystemLoader implements RpcSystemLoader {
    /** The system property that turns sharing on. */
    public static final String PROPERTY = "keymem.rpc.shared";

    private static RpcSystem shared;

    @Override
    public int getLoadPriority() {
        return -1; // before Flink's (0)
    }

    @Override
    public RpcSystem loadRpcSystem(Configuration config) {
        if (!Boolean.getBoolean(PROPERTY)) {
            throw new RpcLoaderException("shared RPC system not asked for (-D" + PROPERTY + "=true)");
        }
        synchronized (SharedRpcSystemLoader.class) {
            if (shared == null) {
                shared = new PekkoRpcSystemLoader().loadRpcSystem(config);
            }
            return new Unclosed(shared);
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
