package dev.bedside.model.gguf;

import dev.bedside.model.CheckpointException;
import dev.bedside.model.MappedFile;
import dev.bedside.tensor.Tensor;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A memory-mapped GGUF (version 3) file: header ("GGUF", version, tensor count, metadata count), metadata
 * key/values, tensor infos, then the data section at the next multiple of {@code general.alignment}
 * (default 32). Float tensors come back as views into the mapping, valid until {@link #close()}.
 *
 * <p>Metadata values: integers as {@link Long}, floats as {@link Double}, bool as {@link Boolean}, string as
 * {@link String}, arrays as {@code List<Object>}. A FLOAT32 value becomes the shortest decimal that
 * rounds to it (so an epsilon written as 1e-5 reads back as 1e-5, not 9.99999974e-6).
 */
public final class GgufFile implements AutoCloseable {
    public static final int DEFAULT_ALIGNMENT = 32;

    private final MappedFile file;
    private final int version;
    private final Map<String, Object> metadata;
    private final Map<String, GgufTensorInfo> tensors;
    private final long dataStart;

    private GgufFile(MappedFile file, int version, Map<String, Object> metadata, Map<String, GgufTensorInfo> tensors, long dataStart) {
        this.file = file;
        this.version = version;
        this.metadata = metadata;
        this.tensors = tensors;
        this.dataStart = dataStart;
    }

    public static GgufFile open(Path path) throws IOException {
        return MappedFile.parse(path, GgufFile::parse);
    }

    private static GgufFile parse(MappedFile file) throws IOException {
        Path path = file.path();
        GgufCursor in = new GgufCursor(path, file.segment());
        int magic = in.i32("magic");
        if (magic != 0x46554747) {   // "GGUF" read as a little-endian int
            throw new CheckpointException(path, "not a GGUF file: magic bytes are 0x" + Integer.toHexString(Integer.reverseBytes(magic))
                    + ", expected 0x47475546 (\"GGUF\")");
        }
        int version = in.i32("version");
        if (version != 3) {
            throw new CheckpointException(path, "GGUF version " + version + " is not supported: only version 3"
                    + (version == 1 || version == 2 ? " (convert the file again with a current llama.cpp)" : ""));
        }
        long tensorCount = in.i64("tensor count");
        long kvCount = in.i64("metadata count");
        // every kv needs at least 12 bytes and every tensor info at least 24: refuse counts the file cannot hold
        boolean absurd = Long.compareUnsigned(tensorCount, in.remaining()) > 0 || Long.compareUnsigned(kvCount, in.remaining()) > 0;
        in.need(absurd ? -1 : kvCount * 12 + tensorCount * 24,
                Long.toUnsignedString(kvCount) + " metadata entries and " + Long.toUnsignedString(tensorCount) + " tensor infos");

        Map<String, Object> metadata = new LinkedHashMap<>();
        for (long i = 0; i < kvCount; i++) {
            String key = in.string("metadata key " + i);
            int type = in.i32("type of metadata '" + key + "'");
            if (metadata.put(key, GgufValues.read(in, type, "metadata '" + key + "'", path)) != null) {
                throw new CheckpointException(path, "metadata key '" + key + "' appears twice");
            }
        }
        int alignment = alignment(path, metadata);

        Map<String, GgufTensorInfo> tensors = new LinkedHashMap<>();
        for (long i = 0; i < tensorCount; i++) {
            GgufTensorInfo info = readTensorInfo(in, path, i);
            if (info.offset() % alignment != 0) {
                throw new CheckpointException(path, info.name(), "offset " + info.offset() + " is not a multiple of the alignment " + alignment);
            }
            if (tensors.put(info.name(), info) != null) throw new CheckpointException(path, info.name(), "appears twice");
        }
        long dataStart = (in.position() + alignment - 1) / alignment * alignment;
        checkTensorData(path, tensors.values(), dataStart, file.size());
        return new GgufFile(file, version, Collections.unmodifiableMap(metadata), Collections.unmodifiableMap(tensors), dataStart);
    }

    private static int alignment(Path path, Map<String, Object> metadata) throws CheckpointException {
        Object value = metadata.getOrDefault("general.alignment", (long) DEFAULT_ALIGNMENT);
        if (!(value instanceof Long a) || a <= 0 || a > (1 << 30) || Long.bitCount(a) != 1) {
            throw new CheckpointException(path, "general.alignment " + value + " is not a power of two");
        }
        return (int) (long) a;
    }

    private static GgufTensorInfo readTensorInfo(GgufCursor in, Path path, long index) throws CheckpointException {
        String name = in.string("name of tensor " + index);
        int dims = in.i32("dimension count of " + name);
        if (dims < 1 || dims > 4) throw new CheckpointException(path, name, dims + " dimensions (GGUF allows 1 to 4)");
        long[] ne = new long[dims];
        for (int d = 0; d < dims; d++) {
            ne[d] = in.i64("dimensions of " + name);
            if (ne[d] < 0 || ne[d] > Integer.MAX_VALUE) throw new CheckpointException(path, name, "bad dimension " + Long.toUnsignedString(ne[d]));
        }
        int typeId = in.i32("type of " + name);
        GgufType type = GgufType.byId(typeId);
        if (type == null) {
            throw new CheckpointException(path, name, "unsupported tensor type " + typeId + " (" + GgufType.ggmlName(typeId)
                    + "); supported: F32, F16, BF16, Q8_0, Q4_0");
        }
        if (ne[0] % type.blockSize != 0) {
            throw new CheckpointException(path, name, "row length " + ne[0] + " is not a multiple of the " + type + " block size " + type.blockSize);
        }
        long offset = in.i64("data offset of " + name);
        if (offset < 0) throw new CheckpointException(path, name, "data offset " + Long.toUnsignedString(offset) + " is out of range");
        return new GgufTensorInfo(name, ne, type, offset);
    }

    private static void checkTensorData(Path path, java.util.Collection<GgufTensorInfo> infos, long dataStart, long fileSize)
            throws CheckpointException {
        List<GgufTensorInfo> sorted = new ArrayList<>(infos);
        sorted.sort(Comparator.comparingLong(GgufTensorInfo::offset));
        for (int i = 0; i < sorted.size(); i++) {
            GgufTensorInfo info = sorted.get(i);
            long end = dataStart + info.offset() + info.byteSize();
            if (end > fileSize) {
                throw new CheckpointException(path, info.name(), "data [" + (dataStart + info.offset()) + ", " + end
                        + ") lies outside the file of " + fileSize + " bytes (truncated?)");
            }
            if (i > 0) {
                GgufTensorInfo previous = sorted.get(i - 1);
                if (info.offset() < previous.offset() + previous.byteSize()) {
                    throw new CheckpointException(path, info.name(), "data at offset " + info.offset() + " overlaps tensor '"
                            + previous.name() + "' (offset " + previous.offset() + ", " + previous.byteSize() + " bytes)");
                }
            }
        }
    }

    // ---------------------------------------------------------------- header and metadata

    public Path path() { return file.path(); }

    public int version() { return version; }

    /** Byte offset of the data section in the file. */
    public long dataStart() { return dataStart; }

    /** All metadata in file order. */
    public Map<String, Object> metadata() { return metadata; }

    public boolean has(String key) { return metadata.containsKey(key); }

    public String string(String key) { return typed(key, String.class); }

    public long integer(String key) { return typed(key, Long.class); }

    public long integer(String key, long fallback) { return has(key) ? integer(key) : fallback; }

    public double real(String key) { return typed(key, Double.class); }

    public double real(String key, double fallback) { return has(key) ? real(key) : fallback; }

    public boolean bool(String key) { return typed(key, Boolean.class); }

    @SuppressWarnings("unchecked")
    public List<Object> list(String key) { return (List<Object>) typed(key, List.class); }

    private <T> T typed(String key, Class<T> type) {
        Object value = metadata.get(key);
        if (value == null) throw new IllegalArgumentException(path() + ": metadata key '" + key + "' is missing");
        if (!type.isInstance(value)) {
            throw new IllegalArgumentException(path() + ": metadata '" + key + "' is a " + value.getClass().getSimpleName()
                    + ", expected " + type.getSimpleName());
        }
        return type.cast(value);
    }

    // ---------------------------------------------------------------- tensors

    /** Tensor infos in file order. */
    public List<GgufTensorInfo> tensorInfos() { return List.copyOf(tensors.values()); }

    public boolean hasTensor(String name) { return tensors.containsKey(name); }

    public GgufTensorInfo info(String name) {
        GgufTensorInfo info = tensors.get(name);
        if (info == null) throw new IllegalArgumentException(path() + ": no tensor '" + name + "'");
        return info;
    }

    /** The tensor's bytes in the mapping. */
    public MemorySegment bytes(String name) {
        GgufTensorInfo info = info(name);
        return file.segment().asSlice(dataStart + info.offset(), info.byteSize());
    }

    /** A view of an F32, F16 or BF16 tensor in row-major shape (ne reversed). */
    public Tensor tensor(String name) {
        GgufTensorInfo info = info(name);
        if (info.type().isQuantized()) {
            throw new IllegalArgumentException(path() + ": tensor '" + name + "' is " + info.type()
                    + "; use quantized(name) or dequantize(name)");
        }
        return Tensor.ofSegment(bytes(name), info.type().dtype(), info.shape());
    }

    /** The raw blocks of a Q8_0 or Q4_0 tensor with its row-major shape. */
    public QuantizedTensor quantized(String name) {
        GgufTensorInfo info = info(name);
        if (!info.type().isQuantized()) {
            throw new IllegalArgumentException(path() + ": tensor '" + name + "' is " + info.type() + ", not quantized; use tensor(name)");
        }
        return new QuantizedTensor(info.type(), info.shape(), bytes(name));
    }

    /** Any tensor as F32 values: a view for float types, an exact decoded heap copy for quantized ones. */
    public Tensor dequantize(String name) {
        return info(name).type().isQuantized() ? quantized(name).dequantize() : tensor(name);
    }

    @Override
    public void close() { file.close(); }

    @Override
    public String toString() {
        return "GgufFile[" + path() + ", v" + version + ", " + tensors.size() + " tensors, " + metadata.size() + " keys]";
    }
}
