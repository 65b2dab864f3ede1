package dev.bedside.model.gguf;

/**
 * One tensor's entry in a GGUF file. {@code ne} lists the dimensions fastest-first as ggml does
 * (ne[0] is the row length); {@link #shape()} is the row-major shape, i.e. ne reversed.
 * {@code offset} is relative to the start of the data section.
 */
public record GgufTensorInfo(String name, long[] ne, GgufType type, long offset) {

    public int[] shape() {
        int[] shape = new int[ne.length];
        for (int d = 0; d < ne.length; d++) shape[d] = Math.toIntExact(ne[ne.length - 1 - d]);
        return shape;
    }

    public long numel() {
        long n = 1;
        for (long size : ne) n *= size;
        return n;
    }

    public long byteSize() { return type.bytesFor(numel()); }
}
