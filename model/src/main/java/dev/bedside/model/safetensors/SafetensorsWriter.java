package dev.bedside.model.safetensors;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bedside.tensor.DType;
import dev.bedside.tensor.Tensor;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Writes a {@code .safetensors} file: tensors in the order added, each converted to its chosen dtype
 * (F32, F16 or BF16; narrowing rounds to nearest even). The file appears atomically: it is written to a
 * temporary file beside the target and renamed over it.
 */
public final class SafetensorsWriter {
    private record Item(Tensor tensor, DType dtype) {}

    private final Map<String, Item> items = new LinkedHashMap<>();
    private final Map<String, String> metadata = new LinkedHashMap<>();

    public SafetensorsWriter add(String name, Tensor tensor, DType dtype) {
        if (name.equals("__metadata__")) throw new IllegalArgumentException("'__metadata__' is reserved, not a tensor name");
        if (items.putIfAbsent(name, new Item(tensor, dtype)) != null) {
            throw new IllegalArgumentException("tensor '" + name + "' added twice");
        }
        return this;
    }

    public SafetensorsWriter metadata(String key, String value) {
        metadata.put(key, value);
        return this;
    }

    /** Writes every tensor in one dtype. */
    public static void write(Path file, Map<String, Tensor> tensors, DType dtype, Map<String, String> metadata) throws IOException {
        SafetensorsWriter writer = new SafetensorsWriter();
        tensors.forEach((name, tensor) -> writer.add(name, tensor, dtype));
        metadata.forEach(writer::metadata);
        writer.write(file);
    }

    public void write(Path file) throws IOException {
        byte[] header = header();
        Path directory = file.toAbsolutePath().getParent();
        Path temporary = Files.createTempFile(directory, "." + file.getFileName(), ".tmp");
        try {
            try (FileChannel channel = FileChannel.open(temporary, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
                ByteBuffer length = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(header.length).flip();
                writeFully(channel, length);
                writeFully(channel, ByteBuffer.wrap(header));
                for (Item item : items.values()) writeData(channel, item);
                channel.force(true);
            }
            Files.move(temporary, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } finally {
            Files.deleteIfExists(temporary);
        }
    }

    /** The JSON header, padded with spaces to a multiple of 8 bytes so the data area stays aligned. */
    private byte[] header() {
        ObjectMapper json = new ObjectMapper();
        ObjectNode root = json.createObjectNode();
        if (!metadata.isEmpty()) {
            ObjectNode meta = root.putObject("__metadata__");
            metadata.forEach(meta::put);
        }
        long offset = 0;
        for (Map.Entry<String, Item> e : items.entrySet()) {
            Item item = e.getValue();
            long bytes = item.tensor().numelLong() * item.dtype().bytes();
            ObjectNode entry = root.putObject(e.getKey());
            entry.put("dtype", SafetensorsDTypes.name(item.dtype()));
            ArrayNode shape = entry.putArray("shape");
            for (int size : item.tensor().shape()) shape.add(size);
            entry.putArray("data_offsets").add(offset).add(offset + bytes);
            offset += bytes;
        }
        byte[] text = root.toString().getBytes(StandardCharsets.UTF_8);
        byte[] padded = java.util.Arrays.copyOf(text, (text.length + 7) / 8 * 8);
        java.util.Arrays.fill(padded, text.length, padded.length, (byte) ' ');
        return padded;
    }

    private static void writeData(FileChannel channel, Item item) throws IOException {
        float[] values = item.tensor().toFloatArray();
        int chunk = 1 << 16;
        ByteBuffer buffer = ByteBuffer.allocate(chunk * item.dtype().bytes()).order(ByteOrder.LITTLE_ENDIAN);
        for (int start = 0; start < values.length; start += chunk) {
            buffer.clear();
            int end = Math.min(values.length, start + chunk);
            for (int i = start; i < end; i++) {
                switch (item.dtype()) {
                    case F32 -> buffer.putFloat(values[i]);
                    case F16 -> buffer.putShort(DType.floatToF16(values[i]));
                    case BF16 -> buffer.putShort(DType.floatToBf16(values[i]));
                }
            }
            writeFully(channel, buffer.flip());
        }
    }

    private static void writeFully(FileChannel channel, ByteBuffer buffer) throws IOException {
        while (buffer.hasRemaining()) channel.write(buffer);
    }
}
