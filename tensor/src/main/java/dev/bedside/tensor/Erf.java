package dev.bedside.tensor;

/**
 * The error function in double, for the scalar reference of GELU (Java has no {@code Math.erf}). Two textbook
 * forms, each used where it converges quickly: the Maclaurin series for |x| &lt; 2.5 and the continued fraction of
 * erfc beyond. Accurate to about 1e-14, far below float's resolution.
 */
final class Erf {
    private Erf() {}

    private static final double TWO_OVER_SQRT_PI = 2 / Math.sqrt(Math.PI);

    static double erf(double x) {
        if (Double.isNaN(x)) return x;
        double a = Math.abs(x);
        double value = a < 2.5 ? series(a) : 1 - continuedFractionErfc(a);
        return Math.copySign(value, x);
    }

    /** erf(x) = 2/√π · Σ (−1)ⁿ x^(2n+1) / (n! (2n + 1)). */
    private static double series(double x) {
        double power = x, sum = 0;   // power = (−1)ⁿ x^(2n+1) / n!
        for (int n = 0; n < 100; n++) {
            double term = power / (2 * n + 1);
            sum += term;
            if (Math.abs(term) < 1e-17 * Math.abs(sum)) break;
            power *= -x * x / (n + 1);
        }
        return TWO_OVER_SQRT_PI * sum;
    }

    /** erfc(x) = e^(−x²)/√π · 1/(x + (1/2)/(x + 1/(x + (3/2)/(x + 2/(x + …))))), evaluated from the bottom up. */
    private static double continuedFractionErfc(double x) {
        if (x > 27) return 0;   // e^(−x²) underflows
        double tail = x;
        for (int k = 80; k >= 1; k--) tail = x + (k / 2.0) / tail;
        return Math.exp(-x * x) / Math.sqrt(Math.PI) / tail;
    }
}
