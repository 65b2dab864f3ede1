package dev.bedside.quant;

/**
 * The code books of bitsandbytes and the rounding rules of its CUDA quantization kernels, as QLoRA uses them:
 * the 16-value NormalFloat (NF4) book with its decision tree, and the signed 8-bit dynamic map with the
 * binary search that double quantization uses for the absmax constants.
 */
public final class BnbCodes {
    private BnbCodes() {}

    /** bitsandbytes' NF4 values ({@code get_4bit_type("nf4")}), code i ↦ NF4[i]. */
    private static final float[] NF4 = {
            -1.0f, -0.6961928009986877f, -0.5250730514526367f, -0.39491748809814453f,
            -0.28444138169288635f, -0.18477343022823334f, -0.09105003625154495f, 0.0f,
            0.07958029955625534f, 0.16093020141124725f, 0.24611230194568634f, 0.33791524171829224f,
            0.44070982933044434f, 0.5626170039176941f, 0.7229568362236023f, 1.0f};

    private static final double[] POWERS_OF_TEN = {1e-6, 1e-5, 1e-4, 1e-3, 1e-2, 1e-1, 1.0};
    private static final float[] DYNAMIC = dynamicMap();

    /** A copy of the 16 NF4 values (HF's {@code quant_map}). */
    public static float[] nf4() { return NF4.clone(); }

    static float nf4(int code) { return NF4[code]; }

    /** A copy of the 256 signed dynamic-map values (HF's {@code nested_quant_map}). */
    public static float[] dynamic() { return DYNAMIC.clone(); }

    static float dynamic(int code) { return DYNAMIC[code]; }

    /**
     * The NF4 code of x (x already divided by its block's absmax), as bitsandbytes' kernel picks it: a
     * decision tree over the midpoints between neighbouring values, each test "x > midpoint" (a tie goes to
     * the lower code). The midpoints are bitsandbytes' float literals; NaN falls through to code 0.
     */
    static int nf4Code(float x) {
        if (x > 0.03979014977812767f) {
            if (x > 0.3893125355243683f) {
                if (x > 0.6427869200706482f) return x > 0.8614784181118011f ? 0b1111 : 0b1110;
                return x > 0.5016634166240692f ? 0b1101 : 0b1100;
            }
            if (x > 0.2035212516784668f) return x > 0.2920137718319893f ? 0b1011 : 0b1010;
            return x > 0.1202552504837513f ? 0b1001 : 0b1000;
        }
        if (x > -0.33967943489551544f) {
            if (x > -0.13791173323988914f) return x > -0.045525018125772476f ? 0b0111 : 0b0110;
            return x > -0.23460740596055984f ? 0b0101 : 0b0100;
        }
        if (x > -0.6106329262256622f) return x > -0.4599952697753906f ? 0b0011 : 0b0010;
        return x > -0.8480964004993439f ? 0b0001 : 0b0000;
    }

    /**
     * The dynamic-map code of x (already divided by its block's absmax), as bitsandbytes' non-stochastic
     * kernel finds it: a 7-step binary search from the middle of the sorted map, then the nearer of the last
     * value and its bracketing neighbour, comparing with their float midpoint (ties stay on the searched value).
     */
    static int dynamicCode(float x) {
        int pivot = 127, upperPivot = 255, lowerPivot = 0;
        float lower = -1.0f, upper = 1.0f;
        float value = DYNAMIC[pivot];
        for (int step = 64; step > 0; step >>= 1) {
            if (x > value) {
                lowerPivot = pivot;
                lower = value;
                pivot += step;
            } else {
                upperPivot = pivot;
                upper = value;
                pivot -= step;
            }
            value = DYNAMIC[pivot];
        }
        if (upperPivot == 255) upper = DYNAMIC[upperPivot];
        if (lowerPivot == 0) lower = DYNAMIC[lowerPivot];
        if (x > value) return x > (upper + value) * 0.5f ? upperPivot : pivot;
        return x < (lower + value) * 0.5f ? lowerPivot : pivot;
    }

    /**
     * bitsandbytes' {@code create_dynamic_map(signed=True)}: for exponents i = 0 … 6, the 2^i midpoints of
     * float32 {@code linspace(0.1, 1, 2^i + 1)}, times ±10^(i−6), plus 0 and 1, sorted. Arithmetic in float32
     * as torch does it (linspace: start + i·step for the first half, end − (n−1−i)·step for the rest, each fused).
     */
    private static float[] dynamicMap() {
        float[] data = new float[256];
        int count = 0;
        for (int i = 0; i < 7; i++) {
            int items = (1 << i) + 1;
            float[] boundaries = linspace(0.1f, 1.0f, items);
            float power = (float) POWERS_OF_TEN[i];   // Python's 10 ** (i - 6), rounded to float32 as torch does
            for (int k = 0; k + 1 < items; k++) {
                float mean = (boundaries[k] + boundaries[k + 1]) / 2.0f;
                data[count++] = power * mean;
                data[count++] = -power * mean;
            }
        }
        data[count++] = 0f;
        data[count++] = 1f;
        if (count != 256) throw new IllegalStateException("dynamic map has " + count + " values");
        java.util.Arrays.sort(data);
        return data;
    }

    private static float[] linspace(float start, float end, int steps) {
        float step = (end - start) / (steps - 1);
        float[] out = new float[steps];
        int halfway = steps / 2;
        // torch's CPU kernel evaluates start + step·i and end − step·(n−1−i) as fused multiply-adds (one rounding)
        for (int i = 0; i < steps; i++) out[i] = i < halfway ? Math.fma(step, (float) i, start) : Math.fma(-step, (float) (steps - i - 1), end);
        return out;
    }
}
