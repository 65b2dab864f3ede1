package dev.bedside.tensor;

/**
 * What a device backend has moved so far: kernel runs, and the bytes sent from host memory to the device and
 * fetched back. The CPU backends move nothing ({@link #NONE}).
 */
public record DeviceTraffic(long runs, long bytesToDevice, long bytesToHost) {
    public static final DeviceTraffic NONE = new DeviceTraffic(0, 0, 0);

    /** What happened between {@code earlier} and this count. */
    public DeviceTraffic since(DeviceTraffic earlier) {
        return new DeviceTraffic(runs - earlier.runs, bytesToDevice - earlier.bytesToDevice, bytesToHost - earlier.bytesToHost);
    }
}
