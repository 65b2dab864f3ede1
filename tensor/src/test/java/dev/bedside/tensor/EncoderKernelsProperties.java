package dev.bedside.tensor;

import static dev.bedside.tensor.Buffers.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

/**
 * The encoder kernels (LayerNorm, erf GELU, bidirectional attention): Vector API against the scalar reference on
 * random inputs of odd sizes, at offsets inside larger buffers; and the scalar erf against published values.
 */
class EncoderKernelsProperties {
    private static final Backend SCALAR = new ScalarBackend(), CPU = new CpuBackend();
    private static final double RTOL = 2e-5, ATOL = 2e-5;

    @Property(tries = 40)
    void layerNorm(@ForAll @IntRange(min = 0, max = 7) int rows, @ForAll @IntRange(min = 1, max = 70) int dim, @ForAll long seed) {
        Tensor x = shifted(random(seed, rows, dim), 3f), w = random(seed + 1, dim), b = random(seed + 2, dim);
        Tensor outS = random(seed + 3, rows, dim), outC = twin(outS);
        SCALAR.layerNorm(x, w, b, 1e-12f, outS);
        CPU.layerNorm(x, w, b, 1e-12f, outC);
        assertClose("layerNorm", outS, outC, 1e-4, 1e-4);
        Tensor inPlace = twin(x);   // out may be x
        CPU.layerNorm(inPlace, w, b, 1e-12f, inPlace);
        assertClose("layerNorm in place", outS, twinOf(outS, inPlace), 1e-4, 1e-4);
    }

    @Property(tries = 40)
    void gelu(@ForAll @IntRange(min = 0, max = 300) int n, @ForAll long seed) {
        Tensor x = scaled(random(seed, n), 4f);
        Tensor outS = random(seed + 1, n), outC = twin(outS);
        SCALAR.gelu(x, outS);
        CPU.gelu(x, outC);
        assertClose("gelu", outS, outC, 1e-6, 1e-7);   // erfc fit: 1.2e-7 relative
    }

    @Property(tries = 40)
    void encoderAttention(@ForAll @IntRange(min = 1, max = 4) int heads, @ForAll @IntRange(min = 1, max = 40) int headDim,
                          @ForAll @IntRange(min = 1, max = 37) int tokens, @ForAll @IntRange(min = 0, max = 5) int padding,
                          @ForAll boolean withBias, @ForAll long seed) {
        int tk = tokens + padding, width = heads * headDim;
        Tensor q = random(seed, tk, width), k = random(seed + 1, tk, width), v = random(seed + 2, tk, width);
        Tensor bias = withBias ? scaled(random(seed + 3, heads, tk, tk), 2f) : null;
        Tensor outS = random(seed + 4, tk, width), outC = twin(outS);
        SCALAR.encoderAttention(q, k, v, heads, tokens, bias, outS);
        CPU.encoderAttention(q, k, v, heads, tokens, bias, outC);
        assertClose("encoderAttention", outS, outC, 1e-4, 1e-5);
    }

    /** Padding keys are invisible: changing them changes nothing. */
    @Property(tries = 20)
    void paddingKeysAreMasked(@ForAll @IntRange(min = 1, max = 20) int tokens, @ForAll @IntRange(min = 1, max = 5) int padding,
                              @ForAll long seed) {
        int heads = 3, width = 3 * 7, tk = tokens + padding;
        Tensor q = random(seed, tk, width), k = random(seed + 1, tk, width), v = random(seed + 2, tk, width);
        Tensor k2 = twin(k), v2 = twin(v);
        for (int j = tokens; j < tk; j++) for (int c = 0; c < width; c++) {
            k2.set(100f, j, c);
            v2.set(-100f, j, c);
        }
        for (Backend backend : new Backend[] {SCALAR, CPU}) {
            Tensor out = Tensor.zeros(tk, width), out2 = Tensor.zeros(tk, width);
            backend.encoderAttention(q, k, v, heads, tokens, null, out);
            backend.encoderAttention(q, k2, v2, heads, tokens, null, out2);
            assertClose(backend.name() + " padding", out, out2, 0, 0);
        }
    }

    @Example
    void erfMatchesPublishedValues() {
        double[][] table = {{0.1, 0.1124629160182849}, {0.5, 0.5204998778130465}, {1, 0.8427007929497149},
                {2, 0.9953222650189527}, {2.5, 0.9995930479825550}, {3, 0.9999779095030014}, {-1, -0.8427007929497149}};
        for (double[] row : table) assertEquals(row[1], Erf.erf(row[0]), 1e-14, "erf(" + row[0] + ")");
        assertEquals(2.209049699858544e-05, 1 - Erf.erf(3), 1e-15, "erfc(3)");
    }

    @Example
    void badShapesNameTheKernel() {
        Tensor q = Tensor.zeros(4, 6);
        var e = assertThrows(ShapeException.class, () -> CPU.encoderAttention(q, q, q, 4, 2, null, q));
        assertEquals(true, e.getMessage().contains("encoderAttention"), e.getMessage());
        assertThrows(ShapeException.class, () -> SCALAR.encoderAttention(q, q, q, 2, 5, null, q));
        assertThrows(ShapeException.class, () -> CPU.layerNorm(q, Tensor.zeros(5), Tensor.zeros(6), 1e-5f, q));
    }

    private static Tensor scaled(Tensor t, float factor) {
        float[] data = t.data();
        for (int i = 0; i < t.numel(); i++) data[(int) t.offset() + i] *= factor;
        return t;
    }

    /** Adds a constant: LayerNorm must centre rows whose mean is far from 0. */
    private static Tensor shifted(Tensor t, float by) {
        float[] data = t.data();
        for (int i = 0; i < t.numel(); i++) data[(int) t.offset() + i] += by;
        return t;
    }

    private static Tensor twinOf(Tensor like, Tensor actual) {
        float[] copy = like.data().clone();
        System.arraycopy(actual.data(), (int) actual.offset(), copy, (int) like.offset(), actual.numel());
        return Tensor.of(copy, copy.length).slice(0, (int) like.offset(), (int) like.offset() + like.numel());
    }
}
