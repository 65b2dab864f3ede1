package dev.bedside.model.gguf;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads only the key/value metadata at the start of a GGUF file (versions 2 and 3, little-endian).
 *
 * <p>Layout: magic "GGUF", u32 version, u64 tensor_count, u64 kv_count, then kv_count pairs of
 * (u64-length UTF-8 key, u32 value type, value). Values become Java objects: every integer type → {@link Long},
 * f32/f64 → {@link Double}, bool → {@link Boolean}, string → {@link String}, array → {@link List} of those.
 */
public final class GgufMetadata {
    private GgufMetadata() {}

    private static final ValueLayout.OfInt U32 = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfLong U64 = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfShort U16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfFloat F32 = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfDouble F64 = ValueLayout.JAVA_DOUBLE_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    /** The metadata of {@code file}, in file order. Throws {@link IOException} naming the file (and key) on bad input. */
    public static Map<String, Object> read(Path file) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ); Arena arena = Arena.ofConfined()) {
            MemorySegment segment = channel.map(FileChannel.MapMode.READ_ONLY, 0, channel.size(), arena);
            return new Reader(file, segment).readAll();
        }
    }

    /** A cursor over the mapped file; every read checks bounds so a truncated file gives a clear message. */
    private static final class Reader {
        final Path file;
        final MemorySegment data;
        long pos;
        String key = "(header)";

        Reader(Path file, MemorySegment data) {
            this.file = file;
            this.data = data;
        }

        Map<String, Object> readAll() throws IOException {
            need(24);
            if (data.get(ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN), 0) != 0x47475546) { // "GGUF"
                throw error("not a GGUF file (magic is not \"GGUF\")");
            }
            pos = 4;
            int version = data.get(U32, pos);
            pos += 4;
            if (version != 2 && version != 3) throw error("unsupported GGUF version " + version + " (expected 2 or 3)");
            pos += 8; // tensor_count: not needed for metadata
            long kvCount = data.get(U64, pos);
            pos += 8;
            if (kvCount < 0 || kvCount > data.byteSize() / 12) throw error("implausible key/value count " + kvCount);
            Map<String, Object> metadata = new LinkedHashMap<>();
            for (long i = 0; i < kvCount; i++) {
                key = "(key #" + i + ")";
                String name = string();
                key = name;
                int type = u32();
                metadata.put(name, value(type));
            }
            return metadata;
        }

        Object value(int type) throws IOException {
            return switch (type) {
                case 0 -> { need(1); yield (long) (data.get(ValueLayout.JAVA_BYTE, pos++) & 0xFF); }
                case 1 -> { need(1); yield (long) data.get(ValueLayout.JAVA_BYTE, pos++); }
                case 2 -> { need(2); long v = data.get(U16, pos) & 0xFFFF; pos += 2; yield v; }
                case 3 -> { need(2); long v = data.get(U16, pos); pos += 2; yield v; }
                case 4 -> (long) u32() & 0xFFFFFFFFL;
                case 5 -> (long) u32();
                case 6 -> { need(4); double v = data.get(F32, pos); pos += 4; yield v; }
                case 7 -> { need(1); yield data.get(ValueLayout.JAVA_BYTE, pos++) != 0; }
                case 8 -> string();
                case 9 -> array();
                case 10, 11 -> u64();
                case 12 -> { need(8); double v = data.get(F64, pos); pos += 8; yield v; }
                default -> throw error("unknown value type " + type);
            };
        }

        List<Object> array() throws IOException {
            int elementType = u32();
            if (elementType == 9) throw error("nested arrays are not supported");
            long count = u64();
            if (count < 0 || count > data.byteSize() - pos) throw error("truncated: array length " + count + " runs past the end of the file");
            List<Object> list = new ArrayList<>((int) count);
            for (long i = 0; i < count; i++) list.add(value(elementType));
            return list;
        }

        String string() throws IOException {
            long length = u64();
            if (length < 0 || length > data.byteSize() - pos) throw error("truncated: string length " + length + " runs past the end of the file");
            byte[] bytes = data.asSlice(pos, length).toArray(ValueLayout.JAVA_BYTE);
            pos += length;
            return new String(bytes, StandardCharsets.UTF_8);
        }

        int u32() throws IOException {
            need(4);
            int v = data.get(U32, pos);
            pos += 4;
            return v;
        }

        long u64() throws IOException {
            need(8);
            long v = data.get(U64, pos);
            pos += 8;
            return v;
        }

        void need(long bytes) throws IOException {
            if (pos + bytes > data.byteSize()) throw error("truncated: needs " + bytes + " more bytes at offset " + pos + " of " + data.byteSize());
        }

        IOException error(String what) {
            return new IOException(file + ": GGUF metadata " + key + ": " + what);
        }
    }
}
