package dev.keymem.state;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Every state piece has its own frame code and name, so a frame is never read as another piece. */
class PieceCodesTest {

    @Test
    void codesAndNamesAreUnique() {
        List<StatePiece<?>> pieces = List.of(CellStatePiece.INSTANCE, CachingStatePiece.INSTANCE,
                CachedStatePiece.INSTANCE, BmojoStatePiece.INSTANCE, EideticEntryPiece.INSTANCE,
                RetentionStatePiece.INSTANCE, RetainedTokenPiece.INSTANCE, RmtStatePiece.INSTANCE,
                EventStatePiece.INSTANCE, EventEntryPiece.INSTANCE);
        Set<Integer> codes = new HashSet<>();
        Set<String> names = new HashSet<>();
        for (StatePiece<?> p : pieces) {
            assertTrue(codes.add(p.code()), "duplicate piece code " + p.code() + " (" + p.name() + ")");
            assertTrue(names.add(p.name()), "duplicate piece name " + p.name());
            assertTrue(p.code() > 0 && p.code() < 256, p.name() + " code must fit the frame's byte");
        }
        assertEquals(pieces.size(), codes.size());
    }
}
