package dev.bedside.tornado;

import static org.junit.jupiter.api.Assertions.*;

import dev.bedside.tensor.Backends;
import dev.bedside.tensor.CpuBackend;
import org.junit.jupiter.api.Test;

/**
 * Without TornadoVM's runtime (CI, most machines) every way of asking for the GPU ends in one clear line:
 * {@code auto} falls back to the Vector API and says why, {@code tornado} fails with the reason, nothing crashes.
 * With the runtime present, {@code auto} picks TornadoVM on a GPU and declines, saying why, when its device is the CPU.
 */
class TornadoFallbackTest {

    @Test
    void autoChoosesTheCpuAndSaysWhyWhenTornadoVmIsMissing() {
        Backends.Selection selection = Backends.select("auto");
        if (TornadoRuntime.present()) {
            if (TornadoDevice.defaultDeviceIsCpu()) {   // e.g. PoCL: the Vector API is faster there, and auto says so
                assertInstanceOf(CpuBackend.class, selection.backend(), selection.message());
                assertTrue(selection.message().startsWith("backend: cpu-vector (auto; tornado: TornadoVM's device is the CPU"),
                        selection.message());
                TornadoBackend forced = (TornadoBackend) Backends.select("tornado").backend();
                assertTrue(forced.description().startsWith("tornado ("), forced.description());
                forced.close();
            } else {
                assertInstanceOf(TornadoBackend.class, selection.backend(), selection.message());
                assertTrue(selection.message().startsWith("backend: tornado"), selection.message());
                ((TornadoBackend) selection.backend()).close();
            }
            return;
        }
        assertInstanceOf(CpuBackend.class, selection.backend());
        assertTrue(selection.message().startsWith("backend: cpu-vector (auto; tornado: "), selection.message());
        assertTrue(selection.message().contains("TORNADOVM_HOME"), selection.message());
        assertFalse(selection.message().contains("\n"), "one line: " + selection.message());
    }

    @Test
    void askingForTornadoWithoutItFailsWithOneActionableLine() {
        if (TornadoRuntime.present()) return;   // covered by the parity tests
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> Backends.select("tornado"));
        assertTrue(e.getMessage().startsWith("backend tornado is unavailable: TornadoVM"), e.getMessage());
        assertTrue(e.getMessage().contains("install the TornadoVM SDK"), e.getMessage());
        assertFalse(e.getMessage().contains("\n"), e.getMessage());
    }

    @Test
    void cpuIsAlwaysTheVectorApiAndUnknownNamesAreRefused() {
        assertInstanceOf(CpuBackend.class, Backends.select("cpu").backend());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Backends.select("cuda"));
        assertEquals("unknown backend 'cuda': none of that name on this class path (here: auto, cpu, scalar, tornado)", e.getMessage());
    }
}
