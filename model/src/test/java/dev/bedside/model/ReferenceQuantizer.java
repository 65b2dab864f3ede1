package dev.bedside.model;

/**
 * ggml's reference quantizers as fixtures/README.md describes them (float32 arithmetic, F16 scale rounded to
 * nearest even), written here from that description to check the fixture files and our decoding.
 */
final class ReferenceQuantizer {
    private ReferenceQuantizer() {}

    /** d = max|x|/127, q = round half away from zero of x/d; block = d (F16) + 32 int8. */
    static byte[] q8_0(float[] x) {
        byte[] out = new byte[x.length / 32 * 34];
        for (int b = 0; b < x.length / 32; b++) {
            float amax = 0;
            for (int j = 0; j < 32; j++) amax = Math.max(amax, Math.abs(x[b * 32 + j]));
            float d = amax / 127f;
            float id = d != 0 ? 1f / d : 0f;
            putF16(out, b * 34, d);
            for (int j = 0; j < 32; j++) {
                float v = x[b * 32 + j] * id, magnitude = Math.abs(v);
                double rounded = Math.floor(magnitude);
                if (magnitude - rounded >= 0.5) rounded += 1;   // half away from zero
                out[b * 34 + 2 + j] = (byte) (Math.signum(v) * rounded);
            }
        }
        return out;
    }

    /** d = (the x with largest |x|)/-8, q = min(15, trunc(x/d + 8.5)); byte j = q[j] | q[j+16] << 4. */
    static byte[] q4_0(float[] x) {
        byte[] out = new byte[x.length / 32 * 18];
        for (int b = 0; b < x.length / 32; b++) {
            float max = 0, amax = 0;
            for (int j = 0; j < 32; j++) {
                float v = x[b * 32 + j];
                if (Math.abs(v) > amax) {
                    amax = Math.abs(v);
                    max = v;
                }
            }
            float d = max / -8f;
            float id = d != 0 ? 1f / d : 0f;
            putF16(out, b * 18, d);
            for (int j = 0; j < 16; j++) {
                int low = Math.min(15, (int) (x[b * 32 + j] * id + 8.5f));
                int high = Math.min(15, (int) (x[b * 32 + j + 16] * id + 8.5f));
                out[b * 18 + 2 + j] = (byte) (low | (high << 4));
            }
        }
        return out;
    }

    private static void putF16(byte[] out, int at, float value) {
        short bits = Float.floatToFloat16(value);
        out[at] = (byte) bits;
        out[at + 1] = (byte) (bits >> 8);
    }
}
