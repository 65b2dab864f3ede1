package dev.bedside.quant;

import dev.bedside.tensor.BlockCodes;
import dev.bedside.tensor.DType;
import dev.bedside.tensor.cpu.VectorMath;
import dev.bedside.tensor.QuantizedMatrix;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorSpecies;
import jdk.incubator.vector.VectorOperators;

import static dev.bedside.quant.Blocks.F;

/**
 * bitsandbytes NF4, as QLoRA stores a weight: the matrix flattened row-major into blocks of 64 weights
 * (the last block may be partial), each block scaled by its largest |w| (absmax), each weight the index of
 * the nearest of 16 NormalFloat values ({@link BnbCodes#nf4()}). Two codes per byte: the first weight of a
 * pair in the high nibble. Weight = NF4[code] · absmax.
 * <p>With double quantization the absmax constants themselves are 8-bit codes of bitsandbytes' dynamic map,
 * after subtracting their mean (offset), in blocks of 256 with their own float absmax:
 * absmax = DYNAMIC[code] · nestedAbsmax + offset.
 */
public final class Nf4Matrix implements QuantizedMatrix {
    public static final int BLOCK_SIZE = 64;
    public static final int NESTED_BLOCK_SIZE = 256;

    private final MemorySegment packed;
    private final int rows, cols;
    private final DType sourceDtype;
    /** Plain: one float per block. Nested: null, and the three fields below hold the constants. */
    private final float[] absmax;
    private final byte[] absmaxCodes;
    private final float[] nestedAbsmax;
    private final float offset;

    private Nf4Matrix(MemorySegment packed, int rows, int cols, DType sourceDtype, float[] absmax, byte[] absmaxCodes,
                      float[] nestedAbsmax, float offset) {
        if (rows < 0 || cols < 0) throw new IllegalArgumentException("NF4: negative shape [" + rows + ", " + cols + "]");
        long numel = (long) rows * cols;
        if (packed.byteSize() != (numel + 1) / 2) {
            throw new IllegalArgumentException("NF4: " + packed.byteSize() + " packed bytes, shape [" + rows + ", " + cols
                    + "] needs " + (numel + 1) / 2);
        }
        long blocks = (numel + BLOCK_SIZE - 1) / BLOCK_SIZE;
        int constants = absmax != null ? absmax.length : absmaxCodes.length;
        if (constants != blocks) {
            throw new IllegalArgumentException("NF4: " + constants + " absmax constants, shape [" + rows + ", " + cols
                    + "] has " + blocks + " blocks of " + BLOCK_SIZE);
        }
        if (absmax == null && nestedAbsmax.length != (blocks + NESTED_BLOCK_SIZE - 1) / NESTED_BLOCK_SIZE) {
            throw new IllegalArgumentException("NF4: " + nestedAbsmax.length + " nested absmax values for " + blocks
                    + " absmax codes in blocks of " + NESTED_BLOCK_SIZE);
        }
        this.packed = packed;
        this.rows = rows;
        this.cols = cols;
        this.sourceDtype = sourceDtype;
        this.absmax = absmax;
        this.absmaxCodes = absmaxCodes;
        this.nestedAbsmax = nestedAbsmax;
        this.offset = offset;
    }

    /** Packed codes ((rows·cols + 1)/2 bytes) with one float absmax per 64-weight block. */
    public static Nf4Matrix of(MemorySegment packed, float[] absmax, int rows, int cols, DType sourceDtype) {
        return new Nf4Matrix(packed, rows, cols, sourceDtype, absmax.clone(), null, null, 0f);
    }

    /** Packed codes with double-quantized constants: 8-bit absmax codes, a float absmax per 256 codes, the offset. */
    public static Nf4Matrix nested(MemorySegment packed, byte[] absmaxCodes, float[] nestedAbsmax, float offset,
                                   int rows, int cols, DType sourceDtype) {
        return new Nf4Matrix(packed, rows, cols, sourceDtype, null, absmaxCodes.clone(), nestedAbsmax.clone(), offset);
    }

    // ---- what the Hugging Face bnb-4bit safetensors layout needs ----

    /** HF {@code weight}: the packed codes, first weight of each pair in the high nibble. */
    public MemorySegment packedWeights() { return packed; }

    public boolean doubleQuantized() { return absmax == null; }

    /** HF {@code absmax} when not nested: one float per block (a copy). */
    public float[] absmax() {
        if (absmax == null) throw new IllegalStateException("NF4: absmax is double-quantized; see absmaxCodes()");
        return absmax.clone();
    }

    /** HF {@code absmax} when nested: one uint8 dynamic-map code per block (a copy). */
    public byte[] absmaxCodes() {
        if (absmaxCodes == null) throw new IllegalStateException("NF4: absmax is not double-quantized; see absmax()");
        return absmaxCodes.clone();
    }

    /** HF {@code nested_absmax}: one float per 256 absmax codes (a copy). */
    public float[] nestedAbsmax() {
        if (nestedAbsmax == null) throw new IllegalStateException("NF4: absmax is not double-quantized");
        return nestedAbsmax.clone();
    }

    /** HF {@code nested_offset}: the mean of the absmax values, subtracted before their quantization. */
    public float offset() { return offset; }

    /** HF {@code quant_map}: the 16 NF4 values. */
    public float[] quantMap() { return BnbCodes.nf4(); }

    /** HF {@code nested_quant_map}: the 256 dynamic-map values. */
    public float[] nestedQuantMap() { return BnbCodes.dynamic(); }

    public int blockSize() { return BLOCK_SIZE; }

    public int nestedBlockSize() { return NESTED_BLOCK_SIZE; }

    public int[] shape() { return new int[] {rows, cols}; }

    /** The dtype the weight had before quantization (HF's {@code dtype}, e.g. bfloat16). */
    public DType sourceDtype() { return sourceDtype; }

    /** The absmax of block b, decoded from its 8-bit code when nested (float32 as bitsandbytes computes it). */
    public float blockAbsmax(long block) {
        int b = Math.toIntExact(block);
        if (absmax != null) return absmax[b];
        return BnbCodes.dynamic(absmaxCodes[b] & 0xFF) * nestedAbsmax[b / NESTED_BLOCK_SIZE] + offset;
    }

    /** The packed codes as HF stores them and every block's absmax decoded to F32 (double quantization undone). */
    @Override
    public BlockCodes blockCodes() {
        long blocks = (long) rows * cols / BLOCK_SIZE + ((long) rows * cols % BLOCK_SIZE == 0 ? 0 : 1);
        float[] scales = new float[Math.toIntExact(blocks)];
        for (int b = 0; b < scales.length; b++) scales[b] = blockAbsmax(b);
        return new BlockCodes(DType.NF4, rows, cols, BLOCK_SIZE, packed.toArray(ValueLayout.JAVA_BYTE), scales, BnbCodes.nf4());
    }

    @Override public DType dtype() { return DType.NF4; }
    @Override public int rows() { return rows; }
    @Override public int cols() { return cols; }

    @Override
    public long bytes() {
        long constants = absmax != null ? 4L * absmax.length : absmaxCodes.length + 4L * nestedAbsmax.length + 4;
        return packed.byteSize() + constants;
    }

    private int code(long element) {
        int b = packed.get(ValueLayout.JAVA_BYTE, element >>> 1) & 0xFF;
        return (element & 1) == 0 ? b >>> 4 : b & 0x0F;
    }

    /** The plain definition, element by element: the reference the faster loops are tested against. */
    public void decodeScalar(int row, int col, int n, float[] dst, int dstOff) {
        Blocks.checkRange("NF4", rows, cols, row, col, n);
        long first = (long) row * cols + col;
        for (int i = 0; i < n; i++) {
            long e = first + i;
            dst[dstOff + i] = BnbCodes.nf4(code(e)) * blockAbsmax(e / BLOCK_SIZE);
        }
    }

    /** Both values of every byte: PAIRS[2b] for the high nibble, PAIRS[2b + 1] for the low one. */
    private static final float[] PAIRS = new float[512];
    static {
        for (int b = 0; b < 256; b++) {
            PAIRS[2 * b] = BnbCodes.nf4(b >>> 4);
            PAIRS[2 * b + 1] = BnbCodes.nf4(b & 0x0F);
        }
    }

    /**
     * The code book as one 16-lane vector (AVX-512) or two 8-lane halves (AVX2), so that a lane-wise table
     * lookup (selectFrom) turns codes into values; other widths take the scalar pair table.
     */
    private static final boolean VECTOR = F.length() == 16 || F.length() == 8;
    private static final FloatVector BOOK_LOW = VECTOR ? FloatVector.fromArray(F, BnbCodes.nf4(), 0) : null;
    private static final FloatVector BOOK_HIGH = VECTOR && F.length() == 8 ? FloatVector.fromArray(F, BnbCodes.nf4(), 8) : null;
    private static final VectorSpecies<Short> S = ShortVector.SPECIES_128;

    /**
     * The 16 codes of bytes [at, at + 8), in element order. Each byte b widens to a short, rebuilt as
     * (b & 0xF) << 8 | b >>> 4 so that, read back as little-endian bytes, the high nibble (the first weight)
     * comes first.
     */
    private ByteVector codes16(long at) {
        ByteVector bytes = ByteVector.fromMemorySegment(ByteVector.SPECIES_64, packed, at, ByteOrder.LITTLE_ENDIAN);
        ShortVector wide = ((ShortVector) bytes.convertShape(VectorOperators.B2S, S, 0)).and((short) 0xFF);
        return wide.lanewise(VectorOperators.LSHR, 4).or(wide.and((short) 0x0F).lanewise(VectorOperators.LSHL, 8)).reinterpretAsBytes();
    }

    /** Code-book values of codes [part·L, part·L + L) of the 16, L = the float lane count. */
    private static FloatVector values(ByteVector codes16, int part) {
        FloatVector index = (FloatVector) codes16.convertShape(VectorOperators.B2F, F, part);
        return BOOK_HIGH == null ? index.selectFrom(BOOK_LOW) : index.selectFrom(BOOK_LOW, BOOK_HIGH);
    }

    /**
     * Block by block, times the block's absmax: whole aligned blocks as vectors (code-book lookup), partial
     * ones (range ends, blocks that straddle rows) from a table of both values of each byte.
     */
    @Override
    public void decode(int row, int col, int n, float[] dst, int dstOff) {
        Blocks.checkRange("NF4", rows, cols, row, col, n);
        long e = (long) row * cols + col, end = e + n;
        int out = dstOff;
        while (e < end) {
            long blockEnd = Math.min(end, (e / BLOCK_SIZE + 1) * BLOCK_SIZE);
            float scale = blockAbsmax(e / BLOCK_SIZE);
            if (VECTOR && e % BLOCK_SIZE == 0 && blockEnd - e == BLOCK_SIZE) {   // a whole block: four vectors
                FloatVector d = FloatVector.broadcast(F, scale);
                for (int j = 0; j < BLOCK_SIZE; j += 16) {
                    ByteVector codes = codes16((e + j) >>> 1);
                    for (int part = 0; part * F.length() < 16; part++) values(codes, part).mul(d).intoArray(dst, out + j + part * F.length());
                }
                out += BLOCK_SIZE;
                e += BLOCK_SIZE;
                continue;
            }
            if ((e & 1) == 1) dst[out++] = BnbCodes.nf4(code(e++)) * scale;
            for (; e + 1 < blockEnd; e += 2) {
                int b = packed.get(ValueLayout.JAVA_BYTE, e >>> 1) & 0xFF;
                dst[out++] = PAIRS[2 * b] * scale;
                dst[out++] = PAIRS[2 * b + 1] * scale;
            }
            if (e < blockEnd) dst[out++] = BnbCodes.nf4(code(e++)) * scale;
        }
    }

    private static final ThreadLocal<float[]> ROW = ThreadLocal.withInitial(() -> new float[0]);

    /**
     * Rows of whole blocks (cols a multiple of 64): per block, code-book values times x summed in a vector,
     * then scaled once. Other shapes decode the row into a per-thread buffer, then a vector dot.
     */
    @Override
    public float dot(int row, float[] x, int xOff) {
        if (VECTOR && cols % BLOCK_SIZE == 0) {
            FloatVector acc = FloatVector.zero(F);
            long e = (long) row * cols;
            for (int c = 0; c < cols; c += BLOCK_SIZE, e += BLOCK_SIZE) {
                FloatVector block = FloatVector.zero(F);
                for (int j = 0; j < BLOCK_SIZE; j += 16) {
                    ByteVector codes = codes16((e + j) >>> 1);
                    for (int part = 0; part * F.length() < 16; part++) {
                        block = values(codes, part).fma(FloatVector.fromArray(F, x, xOff + c + j + part * F.length()), block);
                    }
                }
                acc = block.fma(FloatVector.broadcast(F, blockAbsmax(e / BLOCK_SIZE)), acc);
            }
            return VectorMath.sumLanes(acc);
        }
        float[] w = ROW.get();
        if (w.length < cols) ROW.set(w = new float[cols]);
        decode(row, 0, cols, w, 0);
        FloatVector acc = FloatVector.zero(F);
        int i = 0, upper = F.loopBound(cols);
        for (; i < upper; i += F.length()) acc = FloatVector.fromArray(F, w, i).fma(FloatVector.fromArray(F, x, xOff + i), acc);
        float sum = VectorMath.sumLanes(acc);
        for (; i < cols; i++) sum += w[i] * x[xOff + i];
        return sum;
    }

    /** The row loop here, not at the caller, so {@link #dot} is inlined into it. */
    @Override
    public void dotRows(int start, int end, float[] x, int xOff, float[] y, int yOff) {
        for (int row = start; row < end; row++) y[yOff + row] = dot(row, x, xOff);
    }

    /** The plain definition of {@link #dot}, for tests. */
    public float dotScalar(int row, float[] x, int xOff) {
        float[] w = new float[cols];
        decodeScalar(row, 0, cols, w, 0);
        double sum = 0;
        for (int i = 0; i < cols; i++) sum += (double) w[i] * x[xOff + i];
        return (float) sum;
    }

    @Override
    public String toString() {
        return "Nf4Matrix[" + rows + ", " + cols + (doubleQuantized() ? ", double-quantized" : "") + "]";
    }
}
