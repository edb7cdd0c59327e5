package dev.keymem.jobs.logs;

import dev.keymem.state.FramedSerializer;
import dev.keymem.state.FramedSerializerSnapshot;
import dev.keymem.state.StatePiece;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;

/** Flink serializer of a source's {@link SourceMemory} (the log summarization job's ValueState); see {@link SourceMemoryPiece}. */
public final class SourceMemorySerializer extends FramedSerializer<SourceMemory> {

    private static final long serialVersionUID = 1L;

    @Override
    protected StatePiece<SourceMemory> piece() {
        return SourceMemoryPiece.INSTANCE;
    }

    @Override
    protected FramedSerializer<SourceMemory> newInstance() {
        return new SourceMemorySerializer();
    }

    @Override
    public TypeSerializerSnapshot<SourceMemory> snapshotConfiguration() {
        return SourceMemorySerializerSnapshot.current();
    }

    /** Snapshot of {@link SourceMemorySerializer}. */
    public static final class SourceMemorySerializerSnapshot extends FramedSerializerSnapshot<SourceMemory> {

        public SourceMemorySerializerSnapshot() {
        }

        static SourceMemorySerializerSnapshot current() {
            SourceMemorySerializerSnapshot s = new SourceMemorySerializerSnapshot();
            s.initCurrent();
            return s;
        }

        @Override
        protected StatePiece<SourceMemory> piece() {
            return SourceMemoryPiece.INSTANCE;
        }

        @Override
        protected FramedSerializer<SourceMemory> currentSerializer() {
            return new SourceMemorySerializer();
        }
    }
}
