package dev.bedside.model.safetensors;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.bedside.model.CheckpointException;
import dev.bedside.model.MappedFile;
import dev.bedside.tensor.DType;
import dev.bedside.tensor.Tensor;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A memory-mapped {@code .safetensors} file: 8 bytes little-endian header length, a JSON header
 * ({@code name → {dtype, shape, data_offsets: [begin, end)}} plus optional {@code __metadata__} strings),
 * then the data area. {@link #tensor} returns views into the mapping (no copy), valid until {@link #close()}.
 */
public final class SafetensorsFile implements AutoCloseable {

    /** One header entry; offsets are relative to the start of the data area. */
    public record Entry(String name, String dtype, int[] shape, long begin, long end) {
        public long numel() {
            long n = 1;
            for (int s : shape) n *= s;
            return n;
        }
    }

    private static final ObjectMapper JSON = new ObjectMapper().enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);

    private final MappedFile file;
    private final long dataStart;
    private final Map<String, Entry> entries;
    private final Map<String, String> metadata;

    private SafetensorsFile(MappedFile file, long dataStart, Map<String, Entry> entries, Map<String, String> metadata) {
        this.file = file;
        this.dataStart = dataStart;
        this.entries = entries;
        this.metadata = metadata;
    }

    public static SafetensorsFile open(Path path) throws IOException {
        return MappedFile.parse(path, SafetensorsFile::parse);
    }

    private static SafetensorsFile parse(MappedFile file) throws IOException {
        Path path = file.path();
        long size = file.size();
        if (size < 8) throw new CheckpointException(path, "truncated: " + size + " bytes, too short for the 8-byte header length");
        long headerLength = file.segment().get(ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN), 0);
        if (headerLength < 0 || headerLength > size - 8) {
            throw new CheckpointException(path, "header length " + Long.toUnsignedString(headerLength)
                    + " goes beyond the end of the file (" + size + " bytes): truncated or not a safetensors file");
        }
        byte[] headerBytes = file.segment().asSlice(8, headerLength).toArray(ValueLayout.JAVA_BYTE);
        JsonNode header;
        try {
            header = JSON.readTree(new String(headerBytes, StandardCharsets.UTF_8));
        } catch (JacksonException e) {
            throw new CheckpointException(path, "bad JSON header: " + e.getOriginalMessage());
        }
        if (header == null || !header.isObject()) throw new CheckpointException(path, "bad JSON header: not a JSON object");

        long dataSize = size - 8 - headerLength;
        Map<String, Entry> entries = new LinkedHashMap<>();
        Map<String, String> metadata = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> field : header.properties()) {
            if (field.getKey().equals("__metadata__")) {
                field.getValue().properties().forEach(m -> metadata.put(m.getKey(), m.getValue().asText()));
            } else {
                Entry entry = parseEntry(path, field.getKey(), field.getValue());
                checkExtent(path, entry, dataSize);
                entries.put(entry.name(), entry);
            }
        }
        checkNoOverlap(path, entries.values());
        return new SafetensorsFile(file, 8 + headerLength, entries, metadata);
    }

    private static Entry parseEntry(Path path, String name, JsonNode node) throws CheckpointException {
        JsonNode shape = node.path("shape"), offsets = node.path("data_offsets");
        if (!node.path("dtype").isTextual() || !shape.isArray() || !offsets.isArray() || offsets.size() != 2) {
            throw new CheckpointException(path, name, "header entry needs dtype, shape and data_offsets [begin, end]: " + node);
        }
        String dtype = node.get("dtype").asText();
        if (SafetensorsDTypes.bytes(dtype) == 0) {
            throw new CheckpointException(path, name, "unknown dtype '" + dtype + "' (known: " + SafetensorsDTypes.NAMES + ")");
        }
        int[] dims = new int[shape.size()];
        for (int d = 0; d < dims.length; d++) {
            if (!shape.get(d).canConvertToInt() || shape.get(d).asInt() < 0) {
                throw new CheckpointException(path, name, "bad shape " + shape);
            }
            dims[d] = shape.get(d).asInt();
        }
        long begin = offsets.get(0).asLong(-1), end = offsets.get(1).asLong(-1);
        if (!offsets.get(0).canConvertToLong() || !offsets.get(1).canConvertToLong() || begin < 0 || end < begin) {
            throw new CheckpointException(path, name, "bad data_offsets " + offsets);
        }
        return new Entry(name, dtype, dims, begin, end);
    }

    private static void checkExtent(Path path, Entry entry, long dataSize) throws CheckpointException {
        if (entry.end() > dataSize) {
            throw new CheckpointException(path, entry.name(), "data_offsets [" + entry.begin() + ", " + entry.end()
                    + ") lie outside the data area of " + dataSize + " bytes (truncated file?)");
        }
        long needed = entry.numel() * SafetensorsDTypes.bytes(entry.dtype());
        if (entry.end() - entry.begin() != needed) {
            throw new CheckpointException(path, entry.name(), "data_offsets [" + entry.begin() + ", " + entry.end() + ") hold "
                    + (entry.end() - entry.begin()) + " bytes but shape " + Arrays.toString(entry.shape()) + " of "
                    + entry.dtype() + " needs " + needed);
        }
    }

    private static void checkNoOverlap(Path path, java.util.Collection<Entry> entries) throws CheckpointException {
        List<Entry> sorted = new ArrayList<>(entries);
        sorted.sort(Comparator.comparingLong(Entry::begin).thenComparingLong(Entry::end));
        for (int i = 1; i < sorted.size(); i++) {
            Entry previous = sorted.get(i - 1), current = sorted.get(i);
            if (current.begin() < previous.end()) {
                throw new CheckpointException(path, current.name(), "data [" + current.begin() + ", " + current.end()
                        + ") overlaps tensor '" + previous.name() + "' [" + previous.begin() + ", " + previous.end() + ")");
            }
        }
    }

    public Path path() { return file.path(); }

    /** Tensor names in header order. */
    public Set<String> names() { return entries.keySet(); }

    public boolean contains(String name) { return entries.containsKey(name); }

    public Entry entry(String name) {
        Entry entry = entries.get(name);
        if (entry == null) throw new IllegalArgumentException(path() + ": no tensor '" + name + "'");
        return entry;
    }

    /** The {@code __metadata__} strings (empty when absent). */
    public Map<String, String> metadata() { return Map.copyOf(metadata); }

    /** A view of the tensor's bytes in the mapping; F32, F16 and BF16 only. */
    public Tensor tensor(String name) {
        Entry entry = entry(name);
        DType dtype = SafetensorsDTypes.tensorDType(entry.dtype());
        if (dtype == null) {
            throw new IllegalArgumentException(path() + ": tensor '" + name + "' has dtype " + entry.dtype()
                    + "; only F32, F16 and BF16 load as tensors");
        }
        return Tensor.ofSegment(bytes(name), dtype, entry.shape());
    }

    /** The raw bytes of a tensor (any dtype), a slice of the mapping. */
    public MemorySegment bytes(String name) {
        Entry entry = entry(name);
        return file.segment().asSlice(dataStart + entry.begin(), entry.end() - entry.begin());
    }

    /** All tensors as views, in header order. */
    public Map<String, Tensor> tensors() {
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        for (String name : entries.keySet()) tensors.put(name, tensor(name));
        return tensors;
    }

    @Override
    public void close() { file.close(); }
}
