package dev.bedside.tensor;

/**
 * The backend every op uses. Defaults to the Vector API backend; {@code -Dbedside.backend=scalar}
 * selects the reference loops (for debugging), and a GPU backend can be installed with {@link #use}.
 */
public final class Backends {
    private static volatile Backend current = defaultBackend();

    private Backends() {}

    public static Backend current() { return current; }

    public static void use(Backend backend) { current = backend; }

    private static Backend defaultBackend() {
        String name = System.getProperty("bedside.backend", "cpu");
        return switch (name) {
            case "scalar", "cpu-scalar" -> new ScalarBackend();
            case "cpu", "cpu-vector" -> new CpuBackend();
            default -> throw new IllegalArgumentException("unknown bedside.backend '" + name + "': use cpu or scalar");
        };
    }
}
