package dev.bedside.eval.readability;

import static org.junit.jupiter.api.Assertions.assertEquals;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** JavaScript number formatting. The expected strings were printed by {@code String(x)} in Node 20. */
class JsNumbersTest {

    @ParameterizedTest(name = "{0} prints as {1}")
    @CsvSource({
        "67.0, 67",
        "-154.92, -154.92",
        "68.06, 68.06",
        "1.0E-5, 0.00001",
        "1.0E-6, 0.000001",
        "1.0E-7, 1e-7",
        "1.5E-7, 1.5e-7",
        "1.0E21, 1e+21",
        "1.2345E21, 1.2345e+21",
        "1.0E20, 100000000000000000000",
        "1.2345678901234568E20, 123456789012345680000",
        "0.30000000000000004, 0.30000000000000004",
        "4.9E-324, 5e-324",
        "1.7976931348623157E308, 1.7976931348623157e+308",
        "2.0E23, 2e+23",
        "-0.0, 0",
        "0.1, 0.1",
        "104.50750000000002, 104.50750000000002",
        "-0.19944444444444365, -0.19944444444444365",
        "123.456, 123.456",
    })
    void printsLikeJavaScript(double x, String expected) {
        assertEquals(expected, JsNumbers.toString(x));
    }

    @ParameterizedTest
    @CsvSource({"NaN, null", "Infinity, null", "-Infinity, null", "40.6, 40.6"})
    void jsonHasNoNaN(double x, String expected) {
        assertEquals(expected, JsNumbers.toJson(x));
    }

    /** Reads back to the same double. */
    @Property(tries = 100)
    void roundTrips(@ForAll double x) {
        if (Double.isNaN(x) || Double.isInfinite(x)) return;
        String js = JsNumbers.toString(x);
        assertEquals(x == 0 ? 0.0 : x, Double.parseDouble(js));
    }
}
