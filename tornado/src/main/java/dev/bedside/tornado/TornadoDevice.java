package dev.bedside.tornado;

import uk.ac.manchester.tornado.api.TornadoBackend;
import uk.ac.manchester.tornado.api.TornadoDeviceMap;
import uk.ac.manchester.tornado.api.TornadoExecutionPlan;
import uk.ac.manchester.tornado.api.enums.TornadoDeviceType;

/** What TornadoVM reports about its devices (only touched once its runtime is known to be present). */
final class TornadoDevice {
    private TornadoDevice() {}

    /** Whether TornadoVM's default device is the host CPU (an OpenCL CPU runtime such as PoCL). */
    static boolean defaultDeviceIsCpu() {
        return TornadoExecutionPlan.getTornadoDeviceMap().getAllBackends().getFirst().getDefaultDevice().getDeviceType()
                == TornadoDeviceType.CPU;
    }

    /** "backend: device" of the device TornadoVM runs tasks on by default; throws when there is none. */
    static String defaultDeviceName() {
        TornadoDeviceMap devices = TornadoExecutionPlan.getTornadoDeviceMap();
        if (devices.getNumBackends() == 0) throw new IllegalStateException("TornadoVM found no backend (OpenCL, PTX or SPIR-V driver)");
        TornadoBackend first = devices.getAllBackends().getFirst();
        if (first.getNumDevices() == 0) throw new IllegalStateException("TornadoVM's " + first.getName() + " backend has no device");
        var device = first.getDefaultDevice();
        return first.getName() + ": " + device.getPhysicalDevice().getDeviceName();
    }
}
