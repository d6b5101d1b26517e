package io.braid.trainer.online;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.braid.trainer.online.StepGuard.Action;
import org.junit.jupiter.api.Test;

class StepGuardTest {
    @Test
    void kRefusedStepsInARowRollBackAndRepeatedRollbacksStop() {
        StepGuard g = new StepGuard(3, 2);
        assertEquals(Action.SKIP, g.after(false));
        assertEquals(Action.SKIP, g.after(false));
        assertEquals(Action.CONTINUE, g.after(true)); // a good step resets the run
        assertEquals(Action.SKIP, g.after(false));
        assertEquals(Action.SKIP, g.after(false));
        assertEquals(Action.ROLLBACK, g.after(false));
        assertEquals(Action.SKIP, g.after(false));
        assertEquals(Action.SKIP, g.after(false));
        assertEquals(Action.ROLLBACK, g.after(false));
        assertEquals(Action.SKIP, g.after(false));
        assertEquals(Action.SKIP, g.after(false));
        assertEquals(Action.STOP, g.after(false));
        assertEquals(11, g.skipped());
        assertEquals(2, g.rollbacks());
    }
}
