package dev.bedside.tensor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bedside.tensor.cpu.VectorMath;
import java.util.SplittableRandom;
import jdk.incubator.vector.FloatVector;
import org.junit.jupiter.api.Test;

class VectorMathTest {

    /**
     * sumLanes adds the upper half of the lanes onto the lower half down to four lanes, then (l0 + l2) + (l1 + l3):
     * the same float additions as this scalar tree, bit for bit, whether the method is interpreted or compiled
     * (so it runs until the JIT has compiled it).
     */
    @Test
    void sumLanesIsOneFixedOrderInEveryTier() {
        int lanes = VectorMath.LANES;
        SplittableRandom random = new SplittableRandom(11);
        float[] x = new float[lanes], tree = new float[lanes];
        for (int round = 0; round < 200_000; round++) {
            for (int i = 0; i < lanes; i++) x[i] = (float) (random.nextGaussian() * Math.exp(random.nextDouble(-8, 8)));
            float expected;
            if (lanes >= 8) {
                System.arraycopy(x, 0, tree, 0, lanes);
                for (int width = lanes / 2; width >= 4; width /= 2) {
                    for (int i = 0; i < width; i++) tree[i] = tree[i] + tree[i + width];
                }
                expected = (tree[0] + tree[2]) + (tree[1] + tree[3]);
            } else {
                expected = 0f;
                for (int i = 0; i < lanes; i++) expected += x[i];
            }
            float actual = VectorMath.sumLanes(FloatVector.fromArray(VectorMath.F, x, 0));
            if (Float.floatToRawIntBits(actual) != Float.floatToRawIntBits(expected)) {
                assertEquals(expected, actual, 0f, "round " + round + ": lanes summed in another order");
            }
        }
    }

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
