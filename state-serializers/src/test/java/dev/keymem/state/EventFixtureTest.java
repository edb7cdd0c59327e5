package dev.keymem.state;

import dev.keymem.models.events.EventEntry;
import dev.keymem.models.events.EventState;
import dev.keymem.models.novelty.NoveltyState;
import java.io.IOException;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Committed fixtures of the event and novelty memories' pieces (hand-built values of fixed seeds). */
class EventFixtureTest {

    /** An event state with a cell of {@code cell} floats, a segment sum of d, and {@code size} of m eidetic slots used. */
    static EventState eventState(SplittableRandom r, int cell, int d, int m, int size) {
        long[] positions = new long[m];
        float[] scores = new float[m];
        for (int i = 0; i < size; i++) {
            positions[i] = r.nextLong(0, 1L << 30);
            scores[i] = (float) Math.abs(r.nextGaussian());
        }
        long events = r.nextLong(0, 10_000);
        return new EventState(events, events * r.nextInt(1, 30), StateSamples.randomState(r, cell),
                BmojoSamples.gaussians(r, d), positions, scores, size);
    }

    static EventState[] eventStates(long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        return new EventState[] {eventState(r, 0, 0, 0, 0), eventState(r, 16, 8, 4, 0), eventState(r, 16, 8, 4, 3),
            eventState(r, 2 * 4 * 4, 16, 8, 8)};
    }

    @Test
    void eventStateFormat1FixtureStillRestores() throws IOException {
        Fixtures.check("eventstate", 1, new EventStateSerializer(), eventStates(20261205L),
                EventStateSerializer.EventStateSerializerSnapshot.class);
    }

    @Test
    void eventStateFixtureRestores() throws IOException {
        EventState[] states = eventStates(20261209L);
        EventState odd = eventState(new SplittableRandom(5), 16, 8, 4, 1);
        odd.eideticScores()[3] = -0.0f; // a non-zero bit pattern past the size is kept
        Fixtures.check("eventstate", new EventStateSerializer(), new EventState[] {states[0], states[1], states[2],
            states[3], odd}, EventStateSerializer.EventStateSerializerSnapshot.class);
    }

    /** Format-1 and format-2 frames decode to the same states; format 2 stores only the used part. */
    @Test
    void format1AndFormat2FramesDecodeToTheSameState() throws IOException {
        EventStateSerializer s = new EventStateSerializer();
        java.util.List<EventState> states = new java.util.ArrayList<>(java.util.List.of(eventStates(3)));
        for (int n : new int[] {0, 1, 5, 40, 200}) {
            states.add((EventState) EventSerializersTest.made(n, n)[0]);
        }
        for (EventState st : states) {
            byte[] v1 = StateSamples.forgedFrame(EventStatePiece.INSTANCE, 1, out -> EventStatePiece.writeFormat1(st, out));
            byte[] v2 = StateSamples.bytes(s, st);
            org.junit.jupiter.api.Assertions.assertEquals(st, StateSamples.read(s, v1));
            org.junit.jupiter.api.Assertions.assertEquals(st, StateSamples.read(s, v2));
            org.junit.jupiter.api.Assertions.assertEquals(StateFrame.OVERHEAD_BYTES + EventStatePiece.payloadBytes(st),
                    v2.length);
            int unused = 12 * (st.eideticPositions().length - st.eideticSize());
            org.junit.jupiter.api.Assertions.assertTrue(v2.length <= v1.length + 8 - unused,
                    v2.length + " bytes, format 1 " + v1.length + ", unused slots " + unused);
        }
    }

    @Test
    void eventEntryFixtureRestores() throws IOException {
        SplittableRandom r = new SplittableRandom(20261206L);
        EventEntry[] expected = new EventEntry[3];
        for (int i = 0; i < expected.length; i++) {
            int t = 2 * i;
            int[] terms = new int[t];
            int[] counts = new int[t];
            for (int j = 0; j < t; j++) {
                terms[j] = r.nextInt(-1000, 1000);
                counts[j] = r.nextInt(1, 5);
            }
            byte[] vector = new byte[4 * i];
            r.nextBytes(vector);
            byte[] payload = new byte[3 * i];
            r.nextBytes(payload);
            expected[i] = new EventEntry(r.nextLong(0, 1L << 30), terms, counts, r.nextInt(0, 50), vector,
                    (float) r.nextDouble(), (float) r.nextDouble(), payload);
        }
        Fixtures.check("evententry", new EventEntrySerializer(), expected,
                EventEntrySerializer.EventEntrySerializerSnapshot.class);
    }

    @Test
    void noveltyStateFormat1FixtureStillRestores() throws IOException {
        Fixtures.check("noveltystate", 1, new NoveltyStateSerializer(), noveltyStates(20261207L),
                NoveltyStateSerializer.NoveltyStateSerializerSnapshot.class);
    }

    @Test
    void noveltyStateFixtureRestores() throws IOException {
        Fixtures.check("noveltystate", new NoveltyStateSerializer(), noveltyStates(20261210L),
                NoveltyStateSerializer.NoveltyStateSerializerSnapshot.class);
    }

    static NoveltyState[] noveltyStates(long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        NoveltyState[] expected = new NoveltyState[3];
        for (int i = 0; i < expected.length; i++) {
            int count = 2 * i;
            long[] positions = new long[count];
            float[] innovations = new float[count];
            for (int j = 0; j < count; j++) {
                positions[j] = 10L * j + r.nextInt(10);
                innovations[j] = (float) Math.abs(r.nextGaussian());
            }
            expected[i] = new NoveltyState(StateSamples.randomState(r, 4 * i * i), positions, innovations,
                    i == 2 ? RetentionSamples.random(r, 1, 2, 2, 2, 1) : null);
        }
        return expected;
    }
}
