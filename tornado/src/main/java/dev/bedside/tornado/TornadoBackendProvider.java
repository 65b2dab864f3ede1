package dev.bedside.tornado;

import dev.bedside.tensor.Backend;
import dev.bedside.tensor.BackendProvider;
import dev.bedside.tensor.CpuBackend;
import dev.bedside.tensor.Tensor;

/**
 * Finds TornadoVM and starts {@link TornadoBackend} on its default device. TornadoVM's runtime and drivers are
 * not part of Bedside (users install the SDK); this class loads without them and says, in one line, what is
 * missing. A device that starts must also pass a self-check: a small SwiGLU and GEMM equal to the CPU's.
 */
public final class TornadoBackendProvider implements BackendProvider {
    static final String INSTALL = "install the TornadoVM SDK (https://tornadovm.readthedocs.io), set TORNADOVM_HOME"
            + " and run through ./bedside, which adds TornadoVM's JVM options";

    @Override
    public String name() { return "tornado"; }

    @Override
    public Backend create(boolean automatic) throws Exception {
        // TornadoVM runs only as modules on the module path, with its drivers and JVMCI options (its argument file)
        if (ModuleLayer.boot().findModule("tornado.runtime").isEmpty()) {
            String home = System.getenv("TORNADOVM_HOME");
            throw new IllegalStateException(home == null
                    ? "TornadoVM is not installed (TORNADOVM_HOME is not set): " + INSTALL
                    : "TornadoVM's runtime is not on this JVM's module path (TORNADOVM_HOME=" + home + "): " + INSTALL);
        }
        // a broken driver can fail with anything, at any of these steps: one line, never a crash
        String device;
        boolean onTheCpu;
        try {
            device = TornadoDevice.defaultDeviceName();
            onTheCpu = TornadoDevice.defaultDeviceIsCpu();
        } catch (Exception | Error e) {
            throw new IllegalStateException("TornadoVM did not start a device: " + rootCause(e), e);
        }
        if (automatic && onTheCpu) {
            throw new IllegalStateException("TornadoVM's device is the CPU (" + device
                    + "), where the Vector API backend is faster; --backend tornado uses it anyway");
        }
        TornadoBackend backend;
        try {
            backend = new TornadoBackend(device);
            selfCheck(backend);
        } catch (Exception | Error e) {
            throw new IllegalStateException("TornadoVM did not start a device: " + rootCause(e), e);
        }
        return backend;
    }

    /** The innermost cause, as "Type: first line of its message" (what a driver said, not its wrappers). */
    static String rootCause(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) root = root.getCause();
        String message = root.getMessage() == null ? "" : ": " + root.getMessage().lines().findFirst().orElse("");
        return root.getClass().getSimpleName() + message;
    }

    /** A few kernels against the CPU backend, so a device that compiles but computes wrongly is never used. */
    static void selfCheck(TornadoBackend backend) {
        CpuBackend cpu = new CpuBackend();
        Tensor gate = Tensor.uniform(1, -3, 3, 5, 7), up = Tensor.uniform(2, -1, 1, 5, 7);
        Tensor expected = Tensor.zeros(5, 7), actual = Tensor.zeros(5, 7);
        cpu.swiglu(gate, up, expected);
        backend.swiglu(gate, up, actual);
        compare("swiglu", expected, actual);
        Tensor a = Tensor.uniform(3, -1, 1, 19, 23), b = Tensor.uniform(4, -1, 1, 23, 17);
        Tensor c0 = Tensor.zeros(19, 17), c1 = Tensor.zeros(19, 17);
        cpu.gemm(a, false, b, false, c0, 1f, 0f);
        backend.gemm(a, false, b, false, c1, 1f, 0f);
        compare("gemm", c0, c1);
    }

    private static void compare(String kernel, Tensor expected, Tensor actual) {
        float[] e = expected.toFloatArray(), a = actual.toFloatArray();
        for (int i = 0; i < e.length; i++) {
            if (!(Math.abs(e[i] - a[i]) <= 1e-4f * (1 + Math.abs(e[i])))) {
                throw new IllegalStateException("self-check failed: " + kernel + " element " + i + " is " + a[i]
                        + " on the device and " + e[i] + " on the CPU");
            }
        }
    }
}
