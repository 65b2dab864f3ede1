package dev.bedside.quant.gguf;

import dev.bedside.model.gguf.GgufType;
import dev.bedside.quant.export.ReadableFiles;
import dev.bedside.tensor.DType;
import dev.bedside.tensor.Tensor;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes a GGUF version 3 file (little-endian): "GGUF", version, tensor count, metadata count, the metadata
 * key/values, the tensor infos (name, dimensions fastest-first, ggml type, offset in the data section), then
 * the data section at the next multiple of 32 bytes with every tensor starting on a multiple of 32.
 *
 * <p>Tensor bytes are produced one tensor at a time while writing ({@link TensorBytes}), so converting a
 * model holds at most one converted tensor in memory. The file appears atomically: it is written to a
 * temporary file beside the target and renamed over it.
 */
public final class GgufWriter {
    public static final int ALIGNMENT = 32;
    private static final ValueLayout.OfShort U16_LE = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfFloat F32_LE = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    /** Makes one tensor's bytes (exactly {@code type.bytesFor(numel)}) in {@code arena}, which is closed after writing them. */
    @FunctionalInterface
    public interface TensorBytes {
        MemorySegment produce(Arena arena) throws IOException;
    }

    private record PendingTensor(String name, GgufType type, int[] shape, TensorBytes bytes) {
        long byteSize() {
            long numel = 1;
            for (int size : shape) numel *= size;
            return type.bytesFor(numel);
        }
    }

    private final Map<String, GgufValue> metadata = new LinkedHashMap<>();
    private final Map<String, PendingTensor> tensors = new LinkedHashMap<>();

    /** Adds (or replaces, keeping its place) a metadata entry. */
    public GgufWriter put(String key, GgufValue value) {
        metadata.put(key, value);
        return this;
    }

    public Map<String, GgufValue> metadata() { return java.util.Collections.unmodifiableMap(metadata); }

    /**
     * Adds a tensor of row-major {@code shape} (GGUF stores the dimensions reversed). Quantized types need rows
     * that are whole blocks.
     */
    public GgufWriter addTensor(String name, GgufType type, int[] shape, TensorBytes bytes) {
        if (shape.length < 1 || shape.length > 4) throw new IllegalArgumentException("GGUF tensor '" + name + "': rank " + shape.length + " (1 to 4 allowed)");
        if (shape[shape.length - 1] % type.blockSize != 0) {
            throw new IllegalArgumentException("GGUF tensor '" + name + "': rows of " + shape[shape.length - 1] + " are not whole "
                    + type + " blocks of " + type.blockSize);
        }
        if (tensors.putIfAbsent(name, new PendingTensor(name, type, shape.clone(), bytes)) != null) {
            throw new IllegalArgumentException("GGUF tensor '" + name + "' added twice");
        }
        return this;
    }

    /** A float tensor stored as F32, F16 or BF16 (narrowing rounds to nearest even), converted when written. */
    public GgufWriter addTensor(String name, GgufType type, Tensor values) {
        if (type.isQuantized()) throw new IllegalArgumentException("GGUF tensor '" + name + "': use addBlocks for " + type);
        return addTensor(name, type, values.shape(), arena -> floatBytes(values, type, arena));
    }

    /** Raw Q8_0/Q4_0 blocks (or any bytes already in the type's layout), copied as they are. */
    public GgufWriter addBlocks(String name, GgufType type, int[] shape, MemorySegment blocks) {
        return addTensor(name, type, shape, arena -> blocks);
    }

    /** Little-endian bytes of a float tensor in F32, F16 or BF16. */
    public static MemorySegment floatBytes(Tensor values, GgufType type, Arena arena) {
        float[] data = values.toFloatArray();
        MemorySegment out = arena.allocate(type.bytesFor(data.length), 16);
        for (int i = 0; i < data.length; i++) {
            switch (type) {
                case F32 -> out.setAtIndex(F32_LE, i, data[i]);
                case F16 -> out.setAtIndex(U16_LE, i, DType.floatToF16(data[i]));
                case BF16 -> out.setAtIndex(U16_LE, i, DType.floatToBf16(data[i]));
                default -> throw new IllegalArgumentException(type + " is not a float type");
            }
        }
        return out;
    }

    public void write(Path file) throws IOException {
        Path directory = file.toAbsolutePath().getParent();
        Files.createDirectories(directory);
        Path temporary = Files.createTempFile(directory, "." + file.getFileName(), ".tmp");
        try {
            try (FileChannel channel = FileChannel.open(temporary, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
                byte[] header = header();
                writeFully(channel, ByteBuffer.wrap(header));
                long position = header.length;
                for (PendingTensor tensor : tensors.values()) {
                    try (Arena arena = Arena.ofConfined()) {
                        MemorySegment bytes = tensor.bytes().produce(arena);
                        if (bytes.byteSize() != tensor.byteSize()) {
                            throw new IllegalStateException("GGUF tensor '" + tensor.name() + "': produced " + bytes.byteSize() + " bytes, "
                                    + tensor.type() + " " + Arrays.toString(tensor.shape()) + " needs " + tensor.byteSize());
                        }
                        writeFully(channel, bytes.asByteBuffer());
                    }
                    position += tensor.byteSize();
                    position += pad(channel, position);
                }
                channel.force(true);
            }
            ReadableFiles.share(temporary);   // temporary files are owner-only
            Files.move(temporary, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } finally {
            Files.deleteIfExists(temporary);
        }
    }

    /** Everything before the data section, padded to the alignment. */
    private byte[] header() {
        LittleEndianBytes out = new LittleEndianBytes();
        out.u32(0x46554747);   // "GGUF"
        out.u32(3);
        out.u64(tensors.size());
        out.u64(metadata.size());
        for (Map.Entry<String, GgufValue> e : metadata.entrySet()) {
            out.string(e.getKey());
            GgufValue v = e.getValue();
            out.u32(v.type().id);
            if (v.type() == GgufValue.Type.ARRAY) {
                List<?> values = (List<?>) v.value();
                out.u32(v.elementType().id);
                out.u64(values.size());
                for (Object element : values) out.scalar(v.elementType(), element);
            } else {
                out.scalar(v.type(), v.value());
            }
        }
        long offset = 0;
        for (PendingTensor tensor : tensors.values()) {
            out.string(tensor.name());
            int[] shape = tensor.shape();
            out.u32(shape.length);
            for (int d = shape.length - 1; d >= 0; d--) out.u64(shape[d]);
            out.u32(tensor.type().id);
            out.u64(offset);
            offset = align(offset + tensor.byteSize());
        }
        while (out.size() % ALIGNMENT != 0) out.write(0);
        return out.toByteArray();
    }

    static long align(long position) { return (position + ALIGNMENT - 1) / ALIGNMENT * ALIGNMENT; }

    private static long pad(FileChannel channel, long position) throws IOException {
        int padding = (int) (align(position) - position);
        if (padding > 0) writeFully(channel, ByteBuffer.allocate(padding));
        return padding;
    }

    private static void writeFully(FileChannel channel, ByteBuffer buffer) throws IOException {
        while (buffer.hasRemaining()) channel.write(buffer);
    }

    /** A growable buffer of little-endian GGUF values. */
    private static final class LittleEndianBytes extends ByteArrayOutputStream {
        private final ByteBuffer scratch = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);

        LittleEndianBytes() { super(1 << 16); }

        void u32(long v) { scratch.clear(); scratch.putInt((int) v); write(scratch.array(), 0, 4); }

        void u64(long v) { scratch.clear(); scratch.putLong(v); write(scratch.array(), 0, 8); }

        void string(String s) {
            byte[] utf8 = s.getBytes(StandardCharsets.UTF_8);
            u64(utf8.length);
            write(utf8, 0, utf8.length);
        }

        void scalar(GgufValue.Type type, Object value) {
            scratch.clear();
            switch (type) {
                case UINT8, INT8 -> scratch.put((byte) ((Number) value).longValue());
                case UINT16, INT16 -> scratch.putShort((short) ((Number) value).longValue());
                case UINT32, INT32 -> scratch.putInt((int) ((Number) value).longValue());
                case UINT64, INT64 -> scratch.putLong(((Number) value).longValue());
                case FLOAT32 -> scratch.putFloat(((Number) value).floatValue());
                case FLOAT64 -> scratch.putDouble(((Number) value).doubleValue());
                case BOOL -> scratch.put((byte) ((Boolean) value ? 1 : 0));
                case STRING -> {
                    string((String) value);
                    return;
                }
                case ARRAY -> throw new IllegalArgumentException("nested GGUF arrays are not supported");
            }
            write(scratch.array(), 0, scratch.position());
        }
    }
}
