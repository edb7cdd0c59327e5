package dev.keymem.jobs.rpc;

import java.io.IOException;
import java.io.InputStream;
import java.lang.annotation.Annotation;
import java.lang.reflect.Method;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.flink.runtime.rpc.RpcGatewayUtils;
import org.apache.flink.runtime.rpc.RpcTimeout;

/**
 * Which parameter of a gateway method is its {@link RpcTimeout}, for {@link LocalInvocationHandler}: the
 * parameters' annotations as {@link RpcGatewayUtils#extractRpcTimeout} reads them.
 *
 * <p>For a method declared by one of Flink's gateway interfaces that file runs use ({@link #COVERED}: the
 * dispatcher's, resource manager's, task executor's and job master's gateways and the interfaces they extend,
 * {@code RpcGateway} and {@code FencedRpcGateway} aside) the answer comes from {@link #TIMEOUTS}, a table of
 * Flink 2.2.1's {@code @RpcTimeout} parameters, without reading the method's annotations: {@link
 * Method#getParameterAnnotations} parses the class file's annotations at every call and makes a proxy class per
 * annotation type it meets ({@code RpcTimeout}, {@code javax.annotation.Nullable}), generated at run time and not
 * in the class archive. The array given then holds an {@code RpcTimeout} at the table's parameter and nothing
 * else (the only annotation that {@code extractRpcTimeout} looks at). Every other method's annotations are read
 * as before. {@code GatewayTimeoutsTest} checks the table against the annotations of every method of every
 * covered interface, and that the four gateways extend no interface outside it.
 *
 * <p>The table is used only where the Flink on the class path is {@value #TABLE_FLINK}: {@link #flinkVersion}, the
 * {@code project.version} of flink-runtime's {@value #VERSION_FILE}, read once (the file and key {@code
 * EnvironmentInformation.getVersion} reads; read directly, since {@code EnvironmentInformation}'s first call also
 * parses the build's dates, and a file run does not call it otherwise). With another version (a user's
 * dependency override, a patch bump) or none every method's annotations are read, as before the table (review
 * 24a F3).
 *
 * <p>The {@code RpcTimeout} the table gives is meaningful by its {@link Annotation#annotationType} only (the one
 * thing {@code extractRpcTimeout} reads); it has no members, so {@code equals}, {@code hashCode} and {@code
 * toString} follow {@link Annotation}'s contract for a member-less annotation (review 24a F4).
 */
final class GatewayTimeouts {
    private static final String FLINK = "org.apache.flink.runtime.";

    /** The Flink version whose {@code @RpcTimeout} parameters {@link #TIMEOUTS} lists. */
    static final String TABLE_FLINK = "2.2.1";

    /** flink-runtime's version file, at the root of its jar (and of a shaded jar that holds it). */
    static final String VERSION_FILE = ".flink-runtime.version.properties";

    /** Whether the table answers at all: the class path's Flink is {@value #TABLE_FLINK}. */
    static final boolean TABLE_APPLIES = tableApplies(flinkVersion(RpcTimeout.class.getClassLoader()));

    /** The interfaces whose methods the table answers for (names after {@code org.apache.flink.runtime.}). */
    static final Set<String> COVERED = Set.of(
            "blocklist.BlocklistListener",
            "checkpoint.CheckpointCoordinatorGateway",
            "dispatcher.DispatcherGateway",
            "io.network.partition.ClusterPartitionManager",
            "jobmaster.JobMasterGateway",
            "jobmaster.JobMasterOperatorEventGateway",
            "jobmaster.KvStateLocationOracle",
            "jobmaster.KvStateRegistryGateway",
            "resourcemanager.ResourceManagerGateway",
            "taskexecutor.TaskExecutorGateway",
            "taskexecutor.TaskExecutorOperatorEventGateway",
            "taskexecutor.TaskExecutorThreadInfoGateway",
            "webmonitor.RestfulGateway");

    /**
     * The {@code @RpcTimeout} parameters of the covered interfaces' methods: "interface#method/parameter count"
     * and the index of the first parameter annotated {@code @RpcTimeout}; a method not listed has none. (No two
     * methods of one interface share a name and a parameter count with different answers: the test checks.)
     */
    static final String TIMEOUTS = """
            dispatcher.DispatcherGateway#getBlobServerAddress/1 0
            dispatcher.DispatcherGateway#getBlobServerPort/1 0
            dispatcher.DispatcherGateway#listJobs/1 0
            dispatcher.DispatcherGateway#stopWithSavepointAndGetLocation/5 4
            dispatcher.DispatcherGateway#submitJob/2 1
            dispatcher.DispatcherGateway#triggerCheckpoint/2 1
            dispatcher.DispatcherGateway#triggerSavepointAndGetLocation/5 4
            jobmaster.JobMasterGateway#cancel/1 0
            jobmaster.JobMasterGateway#deliverCoordinationRequestToCoordinator/3 2
            jobmaster.JobMasterGateway#offerSlots/3 2
            jobmaster.JobMasterGateway#registerTaskManager/3 2
            jobmaster.JobMasterGateway#requestCheckpointStats/1 0
            jobmaster.JobMasterGateway#requestJob/1 0
            jobmaster.JobMasterGateway#requestJobStatus/1 0
            jobmaster.JobMasterGateway#stopWithSavepoint/4 3
            jobmaster.JobMasterGateway#triggerCheckpoint/1 0
            jobmaster.JobMasterGateway#triggerCheckpoint/2 1
            jobmaster.JobMasterGateway#triggerSavepoint/4 3
            resourcemanager.ResourceManagerGateway#declareRequiredResources/3 2
            resourcemanager.ResourceManagerGateway#registerJobMaster/5 4
            resourcemanager.ResourceManagerGateway#registerTaskExecutor/2 1
            resourcemanager.ResourceManagerGateway#requestProfiling/4 3
            resourcemanager.ResourceManagerGateway#requestResourceOverview/1 0
            resourcemanager.ResourceManagerGateway#requestTaskExecutorThreadInfoGateway/2 1
            resourcemanager.ResourceManagerGateway#requestTaskManagerDetailsInfo/2 1
            resourcemanager.ResourceManagerGateway#requestTaskManagerFileUploadByNameAndType/4 3
            resourcemanager.ResourceManagerGateway#requestTaskManagerFileUploadByType/3 2
            resourcemanager.ResourceManagerGateway#requestTaskManagerInfo/1 0
            resourcemanager.ResourceManagerGateway#requestTaskManagerLogList/2 1
            resourcemanager.ResourceManagerGateway#requestTaskManagerMetricQueryServiceAddresses/1 0
            resourcemanager.ResourceManagerGateway#requestTaskManagerProfilingList/2 1
            resourcemanager.ResourceManagerGateway#requestThreadDump/2 1
            resourcemanager.ResourceManagerGateway#sendSlotReport/4 3
            taskexecutor.TaskExecutorGateway#cancelTask/2 1
            taskexecutor.TaskExecutorGateway#freeInactiveSlots/2 1
            taskexecutor.TaskExecutorGateway#freeSlot/3 2
            taskexecutor.TaskExecutorGateway#releaseClusterPartitions/2 1
            taskexecutor.TaskExecutorGateway#requestFileUploadByName/2 1
            taskexecutor.TaskExecutorGateway#requestFileUploadByNameAndType/3 2
            taskexecutor.TaskExecutorGateway#requestFileUploadByType/2 1
            taskexecutor.TaskExecutorGateway#requestLogList/1 0
            taskexecutor.TaskExecutorGateway#requestMetricQueryServiceAddress/1 0
            taskexecutor.TaskExecutorGateway#requestProfiling/3 2
            taskexecutor.TaskExecutorGateway#requestProfilingList/1 0
            taskexecutor.TaskExecutorGateway#requestSlot/7 6
            taskexecutor.TaskExecutorGateway#requestThreadDump/1 0
            taskexecutor.TaskExecutorGateway#submitTask/3 2
            taskexecutor.TaskExecutorGateway#updatePartitions/3 2
            taskexecutor.TaskExecutorThreadInfoGateway#requestThreadInfoSamples/3 2
            webmonitor.RestfulGateway#cancelJob/2 1
            webmonitor.RestfulGateway#deliverCoordinationRequestToCoordinator/4 3
            webmonitor.RestfulGateway#disposeSavepoint/2 1
            webmonitor.RestfulGateway#requestCheckpointStats/2 1
            webmonitor.RestfulGateway#requestClusterOverview/1 0
            webmonitor.RestfulGateway#requestExecutionGraphInfo/2 1
            webmonitor.RestfulGateway#requestJob/2 1
            webmonitor.RestfulGateway#requestJobResult/2 1
            webmonitor.RestfulGateway#requestJobStatus/2 1
            webmonitor.RestfulGateway#requestMetricQueryServiceAddresses/1 0
            webmonitor.RestfulGateway#requestMultipleJobDetails/1 0
            webmonitor.RestfulGateway#requestTaskManagerMetricQueryServiceAddresses/1 0
            webmonitor.RestfulGateway#requestThreadDump/1 0
            webmonitor.RestfulGateway#stopWithSavepoint/5 4
            webmonitor.RestfulGateway#triggerCheckpoint/3 2
            webmonitor.RestfulGateway#triggerSavepoint/5 4
            """;

    private static final Map<String, Integer> TIMEOUT_PARAMETER = parse(TIMEOUTS);
    private static final Annotation[] NONE = new Annotation[0];
    private static final Annotation[] TIMEOUT = {new Mark()};
    private static final Map<Method, Annotation[][]> ANSWERED = new ConcurrentHashMap<>();

    private GatewayTimeouts() {
    }

    /**
     * The annotations of {@code method}'s parameters as far as {@link RpcGatewayUtils#extractRpcTimeout} is
     * concerned: from the table for a covered interface's method, else {@link Method#getParameterAnnotations}.
     * The arrays are shared: callers must not change them.
     */
    static Annotation[][] parameterAnnotations(Method method) {
        return parameterAnnotations(method, TABLE_APPLIES);
    }

    /** {@link #parameterAnnotations(Method)}, from the table only where {@code tableApplies}. */
    static Annotation[][] parameterAnnotations(Method method, boolean tableApplies) {
        if (!tableApplies) {
            return method.getParameterAnnotations();
        }
        Annotation[][] a = ANSWERED.get(method);
        if (a == null) {
            a = fromTable(method);
            if (a == null) {
                return method.getParameterAnnotations();
            }
            ANSWERED.put(method, a);
        }
        return a;
    }

    /** Whether a table of Flink {@value #TABLE_FLINK} answers for the Flink version {@code flinkVersion}. */
    static boolean tableApplies(String flinkVersion) {
        return TABLE_FLINK.equals(flinkVersion);
    }

    /**
     * The {@code project.version} of the {@value #VERSION_FILE} that {@code loader} finds (that of {@link
     * RpcTimeout}'s loader decides {@link #TABLE_APPLIES}), or null where none or unreadable.
     */
    static String flinkVersion(ClassLoader loader) {
        try (InputStream in = loader.getResourceAsStream(VERSION_FILE)) {
            if (in == null) {
                return null;
            }
            Properties p = new Properties();
            p.load(in);
            return p.getProperty("project.version");
        } catch (IOException | IllegalArgumentException unreadable) {
            return null;
        }
    }

    /** The table's answer for {@code method}, or null where its interface is not covered. */
    static Annotation[][] fromTable(Method method) {
        String declaring = method.getDeclaringClass().getName();
        if (!declaring.startsWith(FLINK) || !COVERED.contains(declaring.substring(FLINK.length()))) {
            return null;
        }
        int n = method.getParameterCount();
        Integer at = TIMEOUT_PARAMETER.get(declaring.substring(FLINK.length()) + '#' + method.getName() + '/' + n);
        Annotation[][] a = new Annotation[n][];
        for (int i = 0; i < n; i++) {
            a[i] = at != null && at == i ? TIMEOUT : NONE;
        }
        return a;
    }

    private static Map<String, Integer> parse(String table) {
        Map<String, Integer> m = new HashMap<>();
        for (String line : table.split("\n")) {
            int space = line.indexOf(' ');
            m.put(line.substring(0, space), Integer.parseInt(line.substring(space + 1)));
        }
        return m;
    }

    /** An {@code @RpcTimeout} as {@link RpcGatewayUtils} tests for it (by its annotation type). */
    private static final class Mark implements RpcTimeout {
        @Override
        public Class<? extends Annotation> annotationType() {
            return RpcTimeout.class;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof RpcTimeout;
        }

        @Override
        public int hashCode() {
            return 0;
        }

        @Override
        public String toString() {
            return "@" + RpcTimeout.class.getName() + "()";
        }
    }
}
