package dev.keymem.jobs.context;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keymem.jobs.logs.JobOutput;
import dev.keymem.models.cells.CellState;
import dev.keymem.state.CellStateSerializer;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.common.typeutils.base.LongSerializer;
import org.apache.flink.runtime.state.VoidNamespace;
import org.apache.flink.runtime.state.VoidNamespaceSerializer;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

/**
 * Defect 7 of issue 14: the context job's per-user state must not grow with the user's history. With the
 * default settings, a user with thousands of events keeps at most the default cap of cached segment
 * states (so a read, which visits the cached states, costs the same after 3,000 events as after 500).
 */
class LongLivedUserTest {

    @Test
    void cachedStatesOfOneUserStayUnderTheDefaultCap() throws Exception {
        ContextSettings s = ContextSettings.defaults();
        int cap = s.caching().maxCaches();
        assertTrue(cap > 0 && cap <= 64, "a default cap on cached states: " + cap);
        var op = new KeyedProcessOperator<>(new UserContextFunction(s, UserContextJob.frontEnd(s)));
        try (var h = new KeyedOneInputStreamOperatorTestHarness<String, ContextEvent, JobOutput>(op, e -> e.user,
                Types.STRING)) {
            h.open();
            int n = 3000;
            for (int i = 0; i < n; i++) {
                ContextEvent e = new ContextEvent();
                e.user = "long-lived";
                e.text = "event number " + i + " about topic " + (i % 37);
                e.query = i % 100 == 99;
                e.offset = i;
                h.processElement(new StreamRecord<>(e));
            }
            op.setCurrentKey("long-lived");
            MapState<Long, CellState> caches = op.getKeyedStateBackend().getPartitionedState(VoidNamespace.INSTANCE,
                    VoidNamespaceSerializer.INSTANCE, new MapStateDescriptor<>("caches", LongSerializer.INSTANCE,
                            new CellStateSerializer()));
            int count = 0;
            for (Long k : caches.keys()) {
                count++;
            }
            assertTrue(count <= cap, count + " cached states for one user, over the cap " + cap);
            assertTrue(count >= cap / 2, "the cap is reached, not bypassed: " + count);
            assertEquals(30, h.extractOutputValues().size(), "one answer per query");
        }
    }
}
