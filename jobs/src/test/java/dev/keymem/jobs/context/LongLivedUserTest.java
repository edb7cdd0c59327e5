package dev.keymem.jobs.context;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keymem.jobs.logs.JobOutput;
import dev.keymem.models.events.EventState;
import dev.keymem.operators.EventMemoryFunction;
import dev.keymem.state.EventStatePiece;
import dev.keymem.state.EventStateSerializer;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.state.VoidNamespace;
import org.apache.flink.runtime.state.VoidNamespaceSerializer;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

/**
 * Defect 7 of issue 14: the context job's per-user state read and written per event must not grow with the
 * user's history. At the job's defaults the hot state (the one value every event reads and writes) has the
 * same size after 500 and after 3,000 events of one user, while every event stays recallable (the archive
 * rows are written once and only read by queries).
 */
class LongLivedUserTest {

    @Test
    void theHotStateOfOneUserDoesNotGrowWithItsHistory() throws Exception {
        var op = new KeyedProcessOperator<>(UserContextJob.keyedFunction(ContextOptions.defaults()));
        try (var h = new KeyedOneInputStreamOperatorTestHarness<String, ContextEvent, JobOutput>(op, e -> e.user,
                Types.STRING)) {
            h.open();
            List<Integer> sizes = new ArrayList<>();
            int n = 3000;
            for (int i = 0; i < n; i++) {
                ContextEvent e = new ContextEvent();
                e.user = "long-lived";
                e.text = "event number " + i + " about topic " + (i % 37);
                e.query = i % 100 == 99;
                e.offset = i;
                h.processElement(new StreamRecord<>(e));
                if (i == 499 || i == n - 1) {
                    op.setCurrentKey("long-lived");
                    ValueState<EventState> st = op.getKeyedStateBackend().getPartitionedState(VoidNamespace.INSTANCE,
                            VoidNamespaceSerializer.INSTANCE, new ValueStateDescriptor<>(EventMemoryFunction.STATE,
                                    new EventStateSerializer()));
                    sizes.add(EventStatePiece.payloadBytes(st.value()));
                }
            }
            assertEquals(sizes.get(0), sizes.get(1), "hot state bytes after 500 and 3,000 events");
            assertTrue(sizes.get(0) < 16 * 1024, "hot state " + sizes.get(0) + " bytes");
            assertEquals(30, h.extractOutputValues().size(), "one answer per query");
        }
    }
}
