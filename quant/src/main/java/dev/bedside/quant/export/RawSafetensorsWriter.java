package dev.bedside.quant.export;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
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
import java.util.Map;

/**
 * A {@code .safetensors} file of tensors given as raw little-endian bytes in any safetensors dtype (U8, F32,
 * BF16, …): what a bitsandbytes checkpoint needs beside float weights. Header: u64 length, then JSON
 * {name: {dtype, shape, data_offsets}} (plus {@code __metadata__}), padded with spaces to 8 bytes. The file
 * appears atomically (temporary file, then rename).
 */
final class RawSafetensorsWriter {
    private record Entry(String dtype, long[] shape, MemorySegment bytes) {}

    private final Map<String, Entry> entries = new LinkedHashMap<>();
    private final Map<String, String> metadata = new LinkedHashMap<>();

    RawSafetensorsWriter add(String name, String dtype, long[] shape, MemorySegment bytes) {
        long numel = 1;
        for (long size : shape) numel *= size;
        int width = switch (dtype) {
            case "U8", "I8" -> 1;
            case "F16", "BF16" -> 2;
            case "F32" -> 4;
            default -> throw new IllegalArgumentException("safetensors dtype " + dtype + " is not written here");
        };
        if (bytes.byteSize() != numel * width) {
            throw new IllegalArgumentException("tensor '" + name + "': " + bytes.byteSize() + " bytes for " + dtype + " " + Arrays.toString(shape));
        }
        if (entries.putIfAbsent(name, new Entry(dtype, shape.clone(), bytes)) != null) throw new IllegalArgumentException("tensor '" + name + "' added twice");
        return this;
    }

    RawSafetensorsWriter metadata(String key, String value) {
        metadata.put(key, value);
        return this;
    }

    void write(Path file) throws IOException {
        ObjectMapper json = new ObjectMapper();
        ObjectNode root = json.createObjectNode();
        if (!metadata.isEmpty()) metadata.forEach(root.putObject("__metadata__")::put);
        long offset = 0;
        for (Map.Entry<String, Entry> e : entries.entrySet()) {
            ObjectNode node = root.putObject(e.getKey());
            node.put("dtype", e.getValue().dtype());
            var shape = node.putArray("shape");
            for (long size : e.getValue().shape()) shape.add(size);
            long size = e.getValue().bytes().byteSize();
            node.putArray("data_offsets").add(offset).add(offset + size);
            offset += size;
        }
        byte[] text = root.toString().getBytes(StandardCharsets.UTF_8);
        byte[] header = Arrays.copyOf(text, (text.length + 7) / 8 * 8);
        Arrays.fill(header, text.length, header.length, (byte) ' ');

        Path temporary = Files.createTempFile(file.toAbsolutePath().getParent(), "." + file.getFileName(), ".tmp");
        try {
            try (FileChannel channel = FileChannel.open(temporary, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
                writeFully(channel, ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(header.length).flip());
                writeFully(channel, ByteBuffer.wrap(header));
                for (Entry e : entries.values()) writeFully(channel, e.bytes().asByteBuffer());
                channel.force(true);
            }
            ReadableFiles.share(temporary);   // temporary files are owner-only
            Files.move(temporary, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } finally {
            Files.deleteIfExists(temporary);
        }
    }

    private static void writeFully(FileChannel channel, ByteBuffer buffer) throws IOException {
        while (buffer.hasRemaining()) channel.write(buffer);
    }
}
