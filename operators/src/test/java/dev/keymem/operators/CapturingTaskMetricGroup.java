package dev.keymem.operators;

import java.util.Map;
import org.apache.flink.runtime.jobgraph.OperatorID;
import org.apache.flink.runtime.metrics.groups.InternalOperatorMetricGroup;
import org.apache.flink.runtime.metrics.groups.UnregisteredMetricGroups;
import org.apache.flink.runtime.metrics.util.InterceptingOperatorMetricGroup;

/** A task metric group whose operator group keeps the metrics registered on it, for assertions. */
final class CapturingTaskMetricGroup extends UnregisteredMetricGroups.UnregisteredTaskMetricGroup {

    final InterceptingOperatorMetricGroup operator = new InterceptingOperatorMetricGroup();

    @Override
    public InternalOperatorMetricGroup getOrAddOperator(OperatorID id, String name, Map<String, String> info) {
        return operator;
    }

    @Override
    public InternalOperatorMetricGroup getOrAddOperator(String name) {
        return operator;
    }
}
