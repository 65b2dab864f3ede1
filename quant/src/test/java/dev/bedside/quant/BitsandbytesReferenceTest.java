package dev.bedside.quant;

import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.bedside.tensor.DType;
import dev.bedside.tensor.Tensor;
import java.io.IOException;
import java.io.InputStream;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.junit.jupiter.api.Test;

/**
 * Our NF4 quantizer against bitsandbytes' own output (resources/bnb-nf4, written by make_reference.py there
 * with bitsandbytes' CPU path under torch 2.13): a 90×190 BF16 matrix whose 17100 weights make 268 blocks of
 * 64 (the last one partial) and two nested blocks of 256 for double quantization.
 */
class BitsandbytesReferenceTest {

    private static byte[] resource(String name) throws IOException {
        try (InputStream in = BitsandbytesReferenceTest.class.getResourceAsStream("/bnb-nf4/" + name)) {
            assertNotNull(in, "missing test resource bnb-nf4/" + name);
            return in.readAllBytes();
        }
    }

    private static float[] floats(String name) throws IOException {
        var buffer = ByteBuffer.wrap(resource(name)).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer();
        float[] out = new float[buffer.remaining()];
        buffer.get(out);
        return out;
    }

    private static float[] floats(JsonNode array) {
        float[] out = new float[array.size()];
        for (int i = 0; i < out.length; i++) out[i] = (float) array.get(i).asDouble();
        return out;
    }

    @Test
    void nf4AndDoubleQuantizationMatchBitsandbytesExactly() throws IOException {
        JsonNode reference = new ObjectMapper().readTree(resource("reference.json"));
        int rows = reference.get("rows").asInt(), cols = reference.get("cols").asInt();
        byte[] bf16 = resource("weight.bf16");
        MemorySegment weights = Arena.ofAuto().allocate(bf16.length);
        weights.copyFrom(MemorySegment.ofArray(bf16));
        Tensor dense = Tensor.ofSegment(weights, DType.BF16, rows, cols);

        Nf4Matrix plain = (Nf4Matrix) Quantizer.quantize(dense, DType.NF4, false);
        Nf4Matrix nested = (Nf4Matrix) Quantizer.quantize(dense, DType.NF4, true);
        assertArrayEquals(resource("packed.u8"), plain.packedWeights().toArray(ValueLayout.JAVA_BYTE), "packed NF4 codes");
        assertArrayEquals(floats("absmax.f32"), plain.absmax(), "absmax per 64-weight block");
        assertArrayEquals(resource("packed.u8"), nested.packedWeights().toArray(ValueLayout.JAVA_BYTE));
        assertArrayEquals(resource("nested_codes.u8"), nested.absmaxCodes(), "8-bit codes of absmax − offset");
        assertArrayEquals(floats("nested_absmax.f32"), nested.nestedAbsmax(), "absmax per 256 absmax codes");
        assertEquals((float) reference.get("offset").asDouble(), nested.offset(), "offset = mean of absmax");
        assertArrayEquals(floats(reference.get("quant_map")), plain.quantMap(), "NF4 code book");
        assertArrayEquals(floats(reference.get("nested_quant_map")), nested.nestedQuantMap(), "create_dynamic_map(signed=True)");
        assertArrayEquals(new int[] {rows, cols}, plain.shape());
        assertEquals(DType.BF16, plain.sourceDtype());
    }
}
