package dev.bedside.tensor;

import java.util.ServiceLoader;

/**
 * The backend every op uses. Defaults to the Vector API backend; {@code -Dbedside.backend=scalar}
 * selects the reference loops (for debugging), {@code -Dbedside.backend=tornado} the GPU backend (to run a
 * module's tests on a device). {@link #select} picks one the way {@code --backend} asks:
 * {@code cpu}, a provided backend by name ({@code tornado}), or {@code auto}, the first provided backend that
 * starts, else the CPU.
 */
public final class Backends {
    private static volatile Backend current = defaultBackend();

    private Backends() {}

    public static Backend current() { return current; }

    public static void use(Backend backend) { current = backend; }

    /** The backend a choice resolved to, and one line saying which and why. */
    public record Selection(Backend backend, String message) {}

    /**
     * Resolves {@code --backend}: {@code cpu} (or {@code scalar}), a provider's name, or {@code auto}.
     * A named provider that is missing or fails to start throws {@link IllegalStateException} with its reason in
     * one line; {@code auto} falls back to the CPU and says why in {@link Selection#message}.
     */
    public static Selection select(String choice) {
        switch (choice) {
            case "cpu", "cpu-vector" -> { return new Selection(new CpuBackend(), "backend: cpu-vector"); }
            case "scalar", "cpu-scalar" -> { return new Selection(new ScalarBackend(), "backend: cpu-scalar"); }
            case "auto" -> {
                StringBuilder skipped = new StringBuilder();
                for (BackendProvider provider : ServiceLoader.load(BackendProvider.class)) {
                    try {
                        Backend backend = provider.create(true);
                        return new Selection(backend, "backend: " + backend.description() + " (auto)");
                    } catch (Exception | LinkageError e) {
                        skipped.append(skipped.isEmpty() ? "" : "; ").append(provider.name()).append(": ").append(oneLine(e));
                    }
                }
                String why = skipped.isEmpty() ? "no GPU backend on the class path" : skipped.toString();
                return new Selection(new CpuBackend(), "backend: cpu-vector (auto; " + why + ")");
            }
            default -> {
                StringBuilder names = new StringBuilder("auto, cpu, scalar");
                for (BackendProvider provider : ServiceLoader.load(BackendProvider.class)) {
                    names.append(", ").append(provider.name());
                    if (!provider.name().equals(choice)) continue;
                    try {
                        Backend backend = provider.create(false);
                        return new Selection(backend, "backend: " + backend.description());
                    } catch (Exception | LinkageError e) {
                        throw new IllegalStateException("backend " + choice + " is unavailable: " + oneLine(e), e);
                    }
                }
                throw new IllegalArgumentException("unknown backend '" + choice + "': none of that name on this class path"
                        + " (here: " + names + ")");
            }
        }
    }

    private static String oneLine(Throwable e) {
        String message = e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
        int newline = message.indexOf('\n');
        return newline < 0 ? message : message.substring(0, newline);
    }

    /**
     * {@code -Dbedside.backend}: cpu (the default), scalar, or a provided backend by name (tests on a device). A module
     * whose class path lacks the named backend (Maven passes the property to every module of a build, and only some
     * can see the tornado module) runs on the CPU and says so on stderr; a backend that is there but fails to start
     * fails.
     */
    private static Backend defaultBackend() {
        String name = System.getProperty("bedside.backend", "cpu");
        try {
            return select(name).backend();
        } catch (IllegalArgumentException notHere) {
            System.err.println("bedside: -Dbedside.backend=" + name + ": " + notHere.getMessage() + "; running on cpu-vector");
            return new CpuBackend();
        }
    }
}
