package dev.bedside.model;

import dev.bedside.model.gguf.GgufFile;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

class RopeTablesTest {

    /** llama.cpp's definition (README): θ_i = base^(-2i/d) / rope_freqs_i, with rope_freqs read from the GGUF file. */
    @Test
    void inverseFrequenciesMatchTheGgufDivisors() throws Exception {
        LlamaConfig config = LlamaConfig.load(Fixtures.tinyHf().resolve("config.json"));
        double[] ours = RopeTables.inverseFrequencies(config);
        try (GgufFile gguf = GgufFile.open(Fixtures.tinyGguf("f32"))) {
            float[] divisors = gguf.tensor("rope_freqs.weight").toFloatArray();
            assertEquals(divisors.length, ours.length);
            double theta = gguf.real("llama.rope.freq_base");
            int d = (int) gguf.integer("llama.rope.dimension_count");
            for (int i = 0; i < ours.length; i++) {
                double expected = 1.0 / (Math.pow(theta, 2.0 * i / d) * divisors[i]);
                assertEquals(expected, ours[i], 1e-6 * expected, "frequency " + i);
            }
        }
    }

    @Test
    void divisorsOfTheFixtureAreTheReadmeValues() throws Exception {
        LlamaConfig config = LlamaConfig.load(Fixtures.tinyHf().resolve("config.json"));
        LlamaConfig plain = config.withRopeScaling(null);
        double[] scaled = RopeTables.inverseFrequencies(config), unscaled = RopeTables.inverseFrequencies(plain);
        double[] readme = {1, 1, 1, 1, 3.29226, 32, 32, 32};
        for (int i = 0; i < readme.length; i++) assertEquals(readme[i], unscaled[i] / scaled[i], 1e-5, "divisor " + i);
    }

    @Test
    void tablesHoldCosAndSinOfPositionTimesFrequency() throws Exception {
        LlamaConfig config = LlamaConfig.load(Fixtures.tinyHf().resolve("config.json"));
        double[] inverse = RopeTables.inverseFrequencies(config);
        RopeTables tables = RopeTables.of(config, 300);
        assertArrayEquals(new int[] {300, 8}, tables.cos().shape());
        assertArrayEquals(new int[] {300, 8}, tables.sin().shape());
        for (int p : new int[] {0, 1, 7, 299}) {
            for (int i = 0; i < 8; i++) {
                assertEquals((float) Math.cos(p * inverse[i]), tables.cos().get(p, i), "cos " + p + "," + i);
                assertEquals((float) Math.sin(p * inverse[i]), tables.sin().get(p, i), "sin " + p + "," + i);
            }
        }
        assertEquals(1f, tables.cos().get(0, 3));
        assertEquals(0f, tables.sin().get(0, 3));
    }
}
