package dev.bedside.eval.readability;

import java.math.BigDecimal;
import java.math.BigInteger;

/**
 * Doubles written the way JavaScript writes them ({@code Number.prototype.toString}, ECMAScript "Number::toString"),
 * so that our JSON reads like the reference tools' JSON: {@code 67} not {@code 67.0}, {@code 0.00001} not
 * {@code 1.0E-5}, {@code 1e+21}, {@code -154.92}. Always the shortest decimal that reads back to the same double.
 */
public final class JsNumbers {
    private JsNumbers() {}

    /** As JavaScript's {@code String(x)}. */
    public static String toString(double x) {
        if (Double.isNaN(x)) return "NaN";
        if (x == 0) return "0"; // also -0, as JavaScript
        if (Double.isInfinite(x)) return x > 0 ? "Infinity" : "-Infinity";
        if (x < 0) return "-" + toString(-x);

        BigDecimal shortest = shortestDecimal(x);
        String digits = shortest.unscaledValue().toString(); // s, with k digits
        int k = digits.length();
        int n = k - shortest.scale();                       // x = 0.s × 10^n
        if (k <= n && n <= 21) return digits + "0".repeat(n - k);
        if (0 < n && n <= 21) return digits.substring(0, n) + "." + digits.substring(n);
        if (-6 < n && n <= 0) return "0." + "0".repeat(-n) + digits;
        int exponent = n - 1;
        String mantissa = k == 1 ? digits : digits.charAt(0) + "." + digits.substring(1);
        return mantissa + "e" + (exponent >= 0 ? "+" : "-") + Math.abs(exponent);
    }

    /** As a JSON value, the way {@code JSON.stringify} writes it: NaN and infinities become {@code null}. */
    public static String toJson(double x) {
        return Double.isNaN(x) || Double.isInfinite(x) ? "null" : toString(x);
    }

    /**
     * The shortest decimal that reads back to {@code x} (positive, finite), the closest to {@code x} among those.
     * Java's {@link Double#toString} gives exactly this, except that where one digit would do it may give two
     * (it prints {@code 4.9E-324} for the value JavaScript prints as {@code 5e-324}); so a two-digit answer is
     * checked against its one-digit neighbours.
     */
    private static BigDecimal shortestDecimal(double x) {
        BigDecimal java = new BigDecimal(Double.toString(x)).stripTrailingZeros();
        if (java.precision() != 2) return java;
        BigDecimal exact = new BigDecimal(x);
        int oneDigitScale = java.scale() - 1;
        BigInteger low = java.unscaledValue().divide(BigInteger.TEN);
        BigDecimal best = null;
        for (BigInteger candidate : new BigInteger[] {low, low.add(BigInteger.ONE)}) {
            BigDecimal decimal = new BigDecimal(candidate, oneDigitScale).stripTrailingZeros();
            if (decimal.signum() == 0 || decimal.doubleValue() != x) continue;
            if (best == null || isCloser(decimal, best, exact)) best = decimal;
        }
        return best != null ? best : java;
    }

    /** Whether {@code a} is closer to {@code target} than {@code b}; on a tie, whether its digit is even. */
    private static boolean isCloser(BigDecimal a, BigDecimal b, BigDecimal target) {
        int cmp = a.subtract(target).abs().compareTo(b.subtract(target).abs());
        return cmp < 0 || (cmp == 0 && !a.unscaledValue().testBit(0));
    }
}
