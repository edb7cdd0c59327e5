package dev.keymem.jobs.context;

import static dev.keymem.jobs.text.Vectors.cosine;
import static dev.keymem.jobs.text.Vectors.normalized;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.keymem.jobs.logs.JobOutput;
import dev.keymem.jobs.text.TextFrontEnd;
import dev.keymem.models.backend.Backends;
import dev.keymem.models.caching.CacheStore;
import dev.keymem.models.caching.CachingState;
import dev.keymem.models.caching.MemoryCaching;
import dev.keymem.models.cells.CellKind;
import dev.keymem.models.cells.CellSpec;
import dev.keymem.models.cells.CellState;
import dev.keymem.models.cells.Cells;
import dev.keymem.models.cells.TokenChunk;
import dev.keymem.state.CachingStateSerializer;
import dev.keymem.state.CellStateSerializer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeutils.base.LongSerializer;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

/**
 * The keyed step of the user context job. Per user (Flink keyed state, so one user's state is never
 * visible while another user's event is processed): the Memory Caching state over a gated_delta cell
 * (ValueState with {@link CachingStateSerializer}), its cached segment states (MapState cache id to
 * state, {@link CellStateSerializer}), and the user's past events (MapState position to
 * {@link StoredEvent}). Every event advances the memory by one token (q = k = v = the embedding of its
 * text); the read is the memory's output for that token. A non-query event is stored; a query gets an
 * answer: the user's stored events ranked by cos(query, event) + cos(read, event), best first, and the
 * read vector.
 */
public class UserContextFunction extends KeyedProcessFunction<String, ContextEvent, JobOutput> {
    private static final long serialVersionUID = 1L;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final ContextSettings settings;
    private final TextFrontEnd frontEnd;
    private transient MemoryCaching caching;
    private transient ValueState<CachingState> memory;
    private transient MapState<Long, CellState> caches;
    private transient MapState<Long, StoredEvent> events;
    private transient ValueState<long[]> oldest;

    public UserContextFunction(ContextSettings settings, TextFrontEnd frontEnd) {
        this.settings = settings;
        this.frontEnd = frontEnd;
    }

    @Override
    public void open(OpenContext ctx) {
        int d = settings.dimension();
        caching = new MemoryCaching(Cells.chunked(CellSpec.of(CellKind.GATED_DELTA, 1, d, d, 64), Backends.java()),
                settings.caching());
        memory = getRuntimeContext().getState(new ValueStateDescriptor<>("caching", new CachingStateSerializer()));
        caches = getRuntimeContext().getMapState(new MapStateDescriptor<>("caches", LongSerializer.INSTANCE,
                new CellStateSerializer()));
        // checksummed, like every piece of keyed state (ContextStatePieces)
        events = getRuntimeContext().getMapState(new MapStateDescriptor<>("events", LongSerializer.INSTANCE,
                new ContextStatePieces.StoredEventSerializer()));
        oldest = getRuntimeContext().getState(new ValueStateDescriptor<>("event-book",
                new ContextStatePieces.EventBookSerializer()));
    }

    @Override
    public void processElement(ContextEvent e, Context ctx, Collector<JobOutput> out) throws Exception {
        int d = settings.dimension();
        CachingState st = memory.value();
        if (st == null) {
            st = caching.newState();
        }
        long position = st.position();
        float[] x = normalized(frontEnd.embedLine(e.text));
        float[] read = new float[d];
        caching.forward(st, store(), new TokenChunk(1, 1, d, d, x, x, x, new float[] {settings.beta()},
                new float[] {(float) Math.log(settings.decay())}), read);
        memory.update(st);
        if (e.query) {
            out.collect(new JobOutput(JobOutput.RESULT, e.user, answer(e, x, read, position)));
            return;
        }
        StoredEvent s = new StoredEvent();
        s.position = position;
        s.offset = e.offset;
        s.text = e.text;
        s.type = e.type;
        s.ts = e.ts;
        s.vector = x;
        events.put(position, s);
        long[] book = oldest.value(); // {oldest stored position, events stored}
        if (book == null) {
            book = new long[] {position, 0};
        }
        book[1]++;
        while (book[1] > settings.maxEvents()) {
            // Stored positions increase; drop the oldest beyond the cap.
            if (events.contains(book[0])) {
                events.remove(book[0]);
                book[1]--;
            }
            book[0]++;
        }
        oldest.update(book);
    }

    private String answer(ContextEvent q, float[] x, float[] read, long position) throws Exception {
        List<double[]> scored = new ArrayList<>();
        List<StoredEvent> list = new ArrayList<>();
        for (Map.Entry<Long, StoredEvent> en : events.entries()) {
            StoredEvent s = en.getValue();
            double score = cosine(x, s.vector) + cosine(read, s.vector);
            scored.add(new double[] {score, list.size()});
            list.add(s);
        }
        scored.sort((a, b) -> a[0] != b[0] ? Double.compare(b[0], a[0])
                : Long.compare(list.get((int) a[1]).position, list.get((int) b[1]).position));
        ObjectNode o = JSON.createObjectNode();
        o.put("user", q.user);
        o.put("query", q.text);
        o.put("offset", q.offset);
        if (q.ts != null) {
            o.put("ts", q.ts);
        }
        if (q.expect != null) {
            o.put("expect", q.expect);
        }
        o.put("position", position);
        o.put("events_stored", list.size());
        ArrayNode arr = o.putArray("events");
        for (int i = 0; i < Math.min(settings.topEvents(), scored.size()); i++) {
            StoredEvent s = list.get((int) scored.get(i)[1]);
            ObjectNode r = arr.addObject();
            r.put("text", s.text);
            if (s.type != null) {
                r.put("type", s.type);
            }
            if (s.ts != null) {
                r.put("ts", s.ts);
            }
            r.put("offset", s.offset);
            r.put("position", s.position);
            r.put("score", Math.round(scored.get(i)[0] * 1e4) / 1e4);
        }
        ArrayNode rv = o.putArray("read_vector");
        for (float f : read) {
            rv.add(Math.round(f * 1e5) / 1e5);
        }
        return o.toString();
    }

    /** The user's cached segment states in keyed MapState. */
    private CacheStore store() {
        return new CacheStore() {
            @Override
            public CellState load(long cacheId) {
                try {
                    CellState s = caches.get(cacheId);
                    if (s == null) {
                        throw new IllegalStateException("cached state " + cacheId + " is missing");
                    }
                    return s;
                } catch (RuntimeException ex) {
                    throw ex;
                } catch (Exception ex) {
                    throw new IllegalStateException("cannot read cached state " + cacheId, ex);
                }
            }

            @Override
            public void store(long cacheId, CellState state) {
                try {
                    caches.put(cacheId, state);
                } catch (Exception ex) {
                    throw new IllegalStateException("cannot write cached state " + cacheId, ex);
                }
            }

            @Override
            public void remove(long cacheId) {
                try {
                    caches.remove(cacheId);
                } catch (Exception ex) {
                    throw new IllegalStateException("cannot remove cached state " + cacheId, ex);
                }
            }
        };
    }
}
