package dev.bedside.tensor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bedside.tensor.cpu.VectorMath;
import java.util.SplittableRandom;
import jdk.incubator.vector.FloatVector;
import org.junit.jupiter.api.Test;

class VectorMathTest {

    /** The vector exp against Math.exp over the whole normal range, the edges, and ±∞. */
    @Test
    void expIsWithinThreeTenthsOfAMillionthOfMathExp() {
        int lanes = VectorMath.LANES, n = 1 << 13;
        float[] x = new float[n], y = new float[n];
        SplittableRandom random = new SplittableRandom(7);
        for (int i = 0; i < n; i++) x[i] = (float) random.nextDouble(-87.3, 88.7);
        float[] special = {0f, -0f, 1f, -1f, 1e-8f, -1e-8f, 0.34657359f, -0.34657359f, -87.33f, 88.72f, -20.5f, 20.5f};
        System.arraycopy(special, 0, x, 0, special.length);
        for (int i = 0; i < n; i += lanes) VectorMath.exp(FloatVector.fromArray(VectorMath.F, x, i)).intoArray(y, i);
        for (int i = 0; i < n; i++) {
            double expected = Math.exp(x[i]);
            assertTrue(Math.abs(y[i] - expected) <= 3e-7 * expected, "exp(" + x[i] + ") = " + y[i] + ", expected " + expected);
        }
        float[] edges = new float[lanes], out = new float[lanes];
        edges[0] = Float.NEGATIVE_INFINITY;
        edges[1] = -200f;
        edges[2] = -88f;   // the true value is subnormal: flushed to 0
        VectorMath.exp(FloatVector.fromArray(VectorMath.F, edges, 0)).intoArray(out, 0);
        assertEquals(0f, out[0]);
        assertEquals(0f, out[1]);
        assertEquals(0f, out[2]);
        assertEquals(1f, out[3]);
    }
}
