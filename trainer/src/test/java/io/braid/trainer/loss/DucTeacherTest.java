package io.braid.trainer.loss;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.junit.jupiter.api.Test;

/** DUC is unidirectional: the teacher receives exactly zero gradient, the student a non-zero one. */
class DucTeacherTest {
    @Test
    void teacherGradientIsExactlyZero() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray w = m.randomNormal(new Shape(6, 5));
            NDArray x = m.randomNormal(new Shape(4, 6));
            w.setRequiresGradient(true);
            NDArray student = m.randomNormal(new Shape(4, 5));
            student.setRequiresGradient(true);
            NDArray mask = m.create(new float[] {1, 1, 0, 1, 0});
            try (var gc = io.braid.trainer.model.ThreadGradients.open()) {
                NDArray teacher = x.matMul(w); // a teacher "encoder" with parameters w
                gc.backward(Losses.duc(student, teacher, mask, null, 0.5, false));
            }
            for (float g : w.getGradient().toFloatArray()) assertEquals(0f, g);
            double s = 0;
            for (float g : student.getGradient().toFloatArray()) s += Math.abs(g);
            assertTrue(s > 0);
        }
    }
}
