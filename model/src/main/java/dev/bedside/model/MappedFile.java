package dev.bedside.model;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * A whole file mapped read-only into memory. The mapping lives in a shared arena (any thread may read it)
 * until {@link #close()}; tensors viewing it must not be used after that.
 */
public final class MappedFile implements AutoCloseable {
    private final Path path;
    private final Arena arena;
    private final MemorySegment segment;

    private MappedFile(Path path, Arena arena, MemorySegment segment) {
        this.path = path;
        this.arena = arena;
        this.segment = segment;
    }

    public static MappedFile open(Path path) throws IOException {
        Arena arena = Arena.ofShared();
        try (FileChannel channel = FileChannel.open(path, StandardOpenOption.READ)) {
            return new MappedFile(path, arena, channel.map(FileChannel.MapMode.READ_ONLY, 0, channel.size(), arena));
        } catch (IOException | RuntimeException e) {
            arena.close();
            throw e;
        }
    }

    /** Reads a mapped file into a {@code T} that keeps the mapping open (and closes it with itself). */
    @FunctionalInterface
    public interface Parser<T> {
        T parse(MappedFile file) throws IOException;
    }

    /** Maps {@code path} and parses it; if parsing fails, the mapping is released before the error propagates. */
    public static <T> T parse(Path path, Parser<T> parser) throws IOException {
        MappedFile file = open(path);
        try {
            return parser.parse(file);
        } catch (IOException | RuntimeException e) {
            file.close();
            throw e;
        }
    }

    public Path path() { return path; }

    /** The file's bytes. */
    public MemorySegment segment() { return segment; }

    public long size() { return segment.byteSize(); }

    @Override
    public void close() { arena.close(); }
}
