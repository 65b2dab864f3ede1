package dev.bedside.tornado;

import static org.junit.jupiter.api.Assertions.*;

import dev.bedside.quant.Quantizer;
import dev.bedside.tensor.DType;
import dev.bedside.tensor.DeviceTraffic;
import dev.bedside.tensor.Tensor;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import uk.ac.manchester.tornado.api.types.arrays.FloatArray;

/**
 * What crosses between host and device, counted by {@link TornadoBackend#traffic()}: a decoded token's projection
 * moves the token's vectors whatever batch came before it, results come back only as far as the call's output
 * reaches, and a backward product never sends its accumulator. The bytes sent are TornadoVM's own count (its
 * profiler, switched on for this class's graphs), not Bedside's arithmetic. Skipped without a TornadoVM runtime.
 */
class TornadoTrafficTest {
    private static TornadoBackend device;

    @BeforeAll
    static void start() {
        if (!TornadoRuntime.present()) return;
        System.setProperty("bedside.tornado.profile", "true");
        device = new TornadoBackend(TornadoDevice.defaultDeviceName());
    }

    @AfterAll
    static void stop() {
        System.clearProperty("bedside.tornado.profile");
        if (device != null) device.close();
    }

    /** A buffer of n elements of 4 bytes as it goes to the device: with TornadoVM's array header. */
    private static long sent(int n) { return new FloatArray(n).getNumBytesOfSegmentWithHeader(); }

    /** dims (12 ints) and scalars (4 floats) cross with every run. (A method: without TornadoVM, FloatArray cannot load.) */
    private static long sizes() { return sent(12) + sent(4); }

    /**
     * What TornadoVM sent for one run of a one-task graph: the buffers, and the kernel's argument frame, a few pointers
     * (24 bytes on OpenCL), which it counts with them.
     */
    private static void assertSent(long buffers, DeviceTraffic run, String what) {
        long frame = run.bytesToDevice() - buffers;
        assertTrue(frame >= 0 && frame <= 64, what + ": " + run.bytesToDevice() + " bytes sent, expected the buffers' "
                + buffers + " and a kernel argument frame of at most 64");
    }

    private static TornadoBackend device() {
        Assumptions.assumeTrue(device != null, "no TornadoVM runtime in this JVM: install the SDK and set TORNADOVM_HOME"
                + " (see README, 'Train on a GPU (TornadoVM)')");
        return device;
    }

    @Test
    void aDecodedTokenMovesOnlyItsVectorsAfterALongBatch() {
        TornadoBackend gpu = device();
        int out = 96, in = 128, batch = 200;
        Tensor w = Tensor.ofQuantized(Quantizer.quantize(Tensor.normal(11, 0.1f, out, in), DType.NF4, true));
        gpu.linear(Tensor.uniform(12, -1, 1, batch, in), w, Tensor.zeros(batch, out));   // a prefill: batch rows

        Tensor token = Tensor.uniform(13, -1, 1, 1, in), y = Tensor.zeros(1, out);
        DeviceTraffic before = gpu.traffic();
        gpu.linear(token, w, y);
        DeviceTraffic step = gpu.traffic().since(before);

        assertEquals(1, step.runs());
        assertSent(sizes() + sent(in), step, "one token");
        assertEquals(4L * out, step.bytesToHost(), "bytes fetched for one token");
    }

    @Test
    void aForwardProductThroughAWideWeightSendsOnlyX() {
        TornadoBackend gpu = device();
        int out = 256, in = 64, rows = 16;   // x [16, 64]: 1,024 values; dy [16, 256]: 4,096
        Tensor w = Tensor.ofQuantized(Quantizer.quantize(Tensor.normal(41, 0.1f, out, in), DType.Q4_0));
        Tensor x = Tensor.uniform(42, -1, 1, rows, in), y = Tensor.zeros(rows, out);
        gpu.linearBackward(Tensor.uniform(43, -1, 1, rows, out), w, Tensor.zeros(rows, in));
        gpu.linear(x, w, y);   // compiles the forward graph

        DeviceTraffic before = gpu.traffic();
        gpu.linear(x, w, y);
        DeviceTraffic call = gpu.traffic().since(before);
        assertSent(sizes() + sent(rows * in), call, "linear: x crosses, in a buffer sized for x");
        assertEquals(4L * rows * out, call.bytesToHost());
    }

    @Test
    void resultsComeBackOnlyAsFarAsTheOutputReaches() {
        TornadoBackend gpu = device();
        int rows = 5, cols = 37;   // 185 elements: a size class of 256
        Tensor x = Tensor.uniform(21, -1, 1, rows, cols), probs = Tensor.zeros(rows, cols);
        gpu.softmax(x, probs);   // builds the graph
        DeviceTraffic before = gpu.traffic();
        gpu.softmax(x, probs);
        DeviceTraffic call = gpu.traffic().since(before);

        assertEquals(4L * rows * cols, call.bytesToHost());
        assertSent(sizes() + sent(256), call, "softmax: x crosses in its size class, at most twice its size");
    }

    @Test
    void gradientAccumulatorsNeverGoToTheDevice() {
        TornadoBackend gpu = device();
        int out = 64, in = 64, rows = 16;
        Tensor w = Tensor.ofQuantized(Quantizer.quantize(Tensor.normal(31, 0.1f, out, in), DType.Q8_0));
        Tensor dy = Tensor.uniform(32, -1, 1, rows, out), dx = Tensor.uniform(33, -1, 1, rows, in);
        gpu.linearBackward(dy, w, Tensor.zeros(rows, in));   // builds the weight's graphs (uploads w)

        DeviceTraffic before = gpu.traffic();
        gpu.linearBackward(dy, w, dx);
        DeviceTraffic call = gpu.traffic().since(before);

        assertSent(sizes() + sent(rows * out), call, "linearBackward: only dy goes to the device");
        assertEquals(4L * rows * in, call.bytesToHost());

        int n = 100;   // a size class of 128
        Tensor gate = Tensor.uniform(34, -1, 1, n), up = Tensor.uniform(35, -1, 1, n), dOut = Tensor.uniform(36, -1, 1, n);
        Tensor dGate = Tensor.uniform(37, -1, 1, n), dUp = Tensor.uniform(38, -1, 1, n);
        gpu.swigluBackward(dOut, gate, up, dGate, dUp);   // builds the graph
        before = gpu.traffic();
        gpu.swigluBackward(dOut, gate, up, dGate, dUp);
        call = gpu.traffic().since(before);
        assertSent(sizes() + 3 * sent(128), call, "swigluBackward: dOut, gate and up go to the device, not dGate or dUp");
        assertEquals(2 * 4L * n, call.bytesToHost());
    }
}
