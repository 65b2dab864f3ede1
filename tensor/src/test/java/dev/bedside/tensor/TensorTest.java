package dev.bedside.tensor;

import static org.junit.jupiter.api.Assertions.*;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import org.junit.jupiter.api.Test;

class TensorTest {

    @Test
    void transposeAndSliceAreViewsThatCopyNothing() {
        Tensor x = Tensor.of(new float[] {1, 2, 3, 4, 5, 6}, 2, 3);
        Tensor t = x.transpose(0, 1);
        assertArrayEquals(new int[] {3, 2}, t.shape());
        assertFalse(t.isContiguous());
        assertEquals(4f, t.get(0, 1));
        x.set(40f, 1, 0);
        assertEquals(40f, t.get(0, 1), "a view sees writes to its storage");
        assertArrayEquals(new float[] {1, 40, 2, 5, 3, 6}, t.toFloatArray());

        Tensor row = x.slice(0, 1, 2);
        assertTrue(row.isContiguous());
        assertEquals(3, row.offset());
        assertSame(x.data(), row.data());
        Tensor column = x.slice(1, 1, 3);
        assertArrayEquals(new float[] {2, 3, 5, 6}, column.toFloatArray());
    }

    @Test
    void reshapeIsAViewWhenContiguousAndACopyOtherwise() {
        Tensor x = Tensor.uniform(3, -1, 1, 4, 6);
        Tensor r = x.reshape(2, -1, 3);
        assertArrayEquals(new int[] {2, 4, 3}, r.shape());
        assertSame(x.data(), r.data());
        Tensor t = x.transpose(0, 1).reshape(24);
        assertNotSame(x.data(), t.data());
        assertEquals(x.get(1, 0), t.get(1));
    }

    @Test
    void badShapesNameTheOpAndTheShapes() {
        Tensor x = Tensor.zeros(2, 3);
        ShapeException e = assertThrows(ShapeException.class, () -> x.reshape(4, 2));
        assertTrue(e.getMessage().contains("Tensor.reshape") && e.getMessage().contains("[2, 3]") && e.getMessage().contains("[4, 2]"),
                e.getMessage());
        ShapeException g = assertThrows(ShapeException.class, () -> new ScalarBackend().gemm(
                Tensor.zeros(2, 3), false, Tensor.zeros(4, 5), false, Tensor.zeros(2, 5), 1, 0));
        assertTrue(g.getMessage().startsWith("gemm:") && g.getMessage().contains("[4, 5]"), g.getMessage());
    }

    @Test
    void segmentTensorsDecodeBf16AndF16() {
        try (Arena arena = Arena.ofConfined()) {
            float[] values = {1.5f, -2.25f, 0.0078125f, 3e-3f};
            MemorySegment bf16 = arena.allocate(8), f16 = arena.allocate(8);
            for (int i = 0; i < 4; i++) {
                bf16.setAtIndex(ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN), i, DType.floatToBf16(values[i]));
                f16.setAtIndex(ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN), i, DType.floatToF16(values[i]));
            }
            Tensor a = Tensor.ofSegment(bf16, DType.BF16, 2, 2), b = Tensor.ofSegment(f16, DType.F16, 2, 2);
            assertEquals(DType.BF16, a.dtype());
            float[] da = a.contiguous().data(), db = b.contiguous().data();
            for (int i = 0; i < 3; i++) {
                assertEquals(values[i], da[i], "exact in bf16");
                assertEquals(values[i], db[i], "exact in f16");
            }
            assertEquals(3e-3f, da[3], 3e-3f / 128);
            assertThrows(IllegalStateException.class, a::data);
        }
    }

    @Test
    void bf16RoundsToNearestEven() {
        // 1 + 2^-8 lies exactly between two bf16 values (1 and 1 + 2^-7): ties go to the even mantissa, 1.
        assertEquals(1f, DType.bf16ToFloat(DType.floatToBf16(1f + 0x1p-8f)));
        assertEquals(1f + 0x1p-6f, DType.bf16ToFloat(DType.floatToBf16(1f + 0x1p-7f + 0x1p-8f)));
        assertTrue(Float.isNaN(DType.bf16ToFloat(DType.floatToBf16(Float.NaN))));
    }
}
