package dev.keymem.state;

import dev.keymem.models.retention.RetainedToken;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;

/** Flink serializer for one archived (T3) STR / CMP token (a MapState value); see {@link RetainedTokenPiece}. */
public final class RetainedTokenSerializer extends FramedSerializer<RetainedToken> {

    private static final long serialVersionUID = 1L;

    @Override
    protected StatePiece<RetainedToken> piece() {
        return RetainedTokenPiece.INSTANCE;
    }

    @Override
    protected FramedSerializer<RetainedToken> newInstance() {
        return new RetainedTokenSerializer();
    }

    @Override
    public TypeSerializerSnapshot<RetainedToken> snapshotConfiguration() {
        RetainedTokenSerializerSnapshot s = new RetainedTokenSerializerSnapshot();
        s.initCurrent();
        return s;
    }

    /** Snapshot of {@link RetainedTokenSerializer}. */
    public static final class RetainedTokenSerializerSnapshot extends FramedSerializerSnapshot<RetainedToken> {

        public RetainedTokenSerializerSnapshot() {
        }

        @Override
        protected StatePiece<RetainedToken> piece() {
            return RetainedTokenPiece.INSTANCE;
        }

        @Override
        protected FramedSerializer<RetainedToken> currentSerializer() {
            return new RetainedTokenSerializer();
        }
    }
}
