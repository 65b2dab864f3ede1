package dev.bedside.autograd;

import static dev.bedside.autograd.GradCheck.Case;

import dev.bedside.tensor.Tensor;
import java.util.SplittableRandom;
import java.util.function.DoubleBinaryOperator;
import java.util.function.DoubleUnaryOperator;
import java.util.function.UnaryOperator;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

/** Gradients of the element-wise, reduction and shape ops against double finite differences. */
class BasicOpsProperties {

    /** A random shape of rank 0–3 with sizes 1–4; the first axis may be 0 (an empty batch). */
    static int[] randomShape(SplittableRandom random) {
        int[] shape = new int[random.nextInt(4)];
        for (int d = 0; d < shape.length; d++) shape[d] = random.nextInt(d == 0 ? 0 : 1, 5);
        return shape;
    }

    /** A shape that broadcasts to {@code full}: some leading axes dropped, some axes set to 1. */
    static int[] broadcastableTo(int[] full, SplittableRandom random) {
        int[] shape = java.util.Arrays.copyOfRange(full, random.nextInt(full.length + 1), full.length);
        for (int d = 0; d < shape.length; d++) if (random.nextInt(3) == 0) shape[d] = 1;
        return shape;
    }

    @Property(tries = 40)
    void broadcastingArithmetic(@ForAll long seed, @ForAll @IntRange(min = 0, max = 3) int which, @ForAll boolean swap) {
        SplittableRandom random = new SplittableRandom(seed);
        int[] full = randomShape(random), part = broadcastableTo(full, random);
        int[] as = swap ? part : full, bs = swap ? full : part;
        Tensor a = Tensor.uniform(seed + 1, -2, 2, as);
        // The divisor stays away from zero, with either sign.
        Tensor b = which == 3 ? Tensor.uniform(seed + 2, 0.5f, 2f, bs) : Tensor.uniform(seed + 2, -2, 2, bs);
        if (which == 3 && random.nextBoolean()) b = BasicOps.neg(Var.constant(b)).value();
        String[] names = {"add", "sub", "mul", "div"};
        DoubleBinaryOperator[] refs = {(x, y) -> x + y, (x, y) -> x - y, (x, y) -> x * y, (x, y) -> x / y};
        boolean[] trainable = {true, random.nextInt(4) != 0};   // sometimes b is frozen
        Case c = new Case(names[which] + " " + java.util.Arrays.toString(as) + " " + java.util.Arrays.toString(bs),
                new Tensor[] {a, b}, trainable);
        GradCheck.check(c, v -> switch (which) {
            case 0 -> BasicOps.add(v[0], v[1]);
            case 1 -> BasicOps.sub(v[0], v[1]);
            case 2 -> BasicOps.mul(v[0], v[1]);
            default -> BasicOps.div(v[0], v[1]);
        }, x -> Ref.broadcast(x[0], as, x[1], bs, refs[which]), seed);
    }

    record Pointwise(String name, UnaryOperator<Var> op, DoubleUnaryOperator ref, float low, float high) {}

    static final Pointwise[] POINTWISE = {
        new Pointwise("scale", x -> BasicOps.scale(x, -1.7f), x -> -1.7f * x, -3, 3),
        new Pointwise("neg", BasicOps::neg, x -> -x, -3, 3),
        new Pointwise("addScalar", x -> BasicOps.addScalar(x, 0.25f), x -> x + 0.25f, -3, 3),
        new Pointwise("reciprocal", BasicOps::reciprocal, x -> 1 / x, 0.3f, 3),
        new Pointwise("exp", BasicOps::exp, Math::exp, -3, 3),
        new Pointwise("log", BasicOps::log, Math::log, 0.2f, 4),
        new Pointwise("square", BasicOps::square, x -> x * x, -3, 3),
        new Pointwise("relu", BasicOps::relu, x -> x > 0 ? x : 0, -3, 3),
        new Pointwise("sigmoid", BasicOps::sigmoid, x -> 1 / (1 + Math.exp(-x)), -6, 6),
        new Pointwise("logSigmoid", BasicOps::logSigmoid, x -> -Math.log(1 + Math.exp(-x)), -20, 20),
    };

    @Property(tries = 40)
    void pointwiseFunctions(@ForAll long seed, @ForAll @IntRange(min = 0, max = 9) int which,
                            @ForAll @IntRange(min = 0, max = 4) int rows, @ForAll @IntRange(min = 1, max = 9) int cols) {
        Pointwise p = POINTWISE[which];
        Tensor x = Tensor.uniform(seed, p.low(), p.high(), rows, cols);
        GradCheck.check(Case.allTrainable(p.name() + " [" + rows + ", " + cols + "]", x), v -> p.op().apply(v[0]), in -> {
            double[] out = new double[in[0].length];
            for (int i = 0; i < out.length; i++) out[i] = p.ref().applyAsDouble(in[0][i]);
            return out;
        }, seed);
    }

    @Property(tries = 30)
    void sumAndMean(@ForAll long seed, @ForAll boolean mean) {
        SplittableRandom random = new SplittableRandom(seed);
        int[] shape = randomShape(random);
        if (mean && Ref.numel(shape) == 0) shape = new int[] {1};   // the mean of nothing is NaN
        Tensor x = Tensor.uniform(seed, -2, 2, shape);
        int n = Ref.numel(shape);
        GradCheck.check(Case.allTrainable((mean ? "mean " : "sum ") + java.util.Arrays.toString(shape), x),
                v -> mean ? BasicOps.mean(v[0]) : BasicOps.sum(v[0]), in -> {
                    double s = 0;
                    for (double e : in[0]) s += e;
                    return new double[] {mean ? s / n : s};
                }, seed);
    }

    @Property(tries = 30)
    void reshapeSliceAndConcat(@ForAll long seed, @ForAll @IntRange(min = 0, max = 5) int rowsA,
                               @ForAll @IntRange(min = 0, max = 4) int rowsB, @ForAll @IntRange(min = 1, max = 4) int cols) {
        SplittableRandom random = new SplittableRandom(seed);
        int start = random.nextInt(rowsA + 1), end = random.nextInt(start, rowsA + 1);
        Tensor a = Tensor.uniform(seed, -1, 1, rowsA, cols), b = Tensor.uniform(seed + 1, -1, 1, rowsB, 2, cols);
        // out = concat(square(slice(a)), square(reshape(b))): squares so each gradient depends on its values,
        // applied to the views so ops read them at their offsets.
        GradCheck.check(Case.allTrainable("reshape/slice/concat", a, b), v -> BasicOps.concatRows(
                BasicOps.square(BasicOps.sliceRows(v[0], start, end)), BasicOps.square(BasicOps.reshape(v[1], -1, cols))), in -> {
            double[] out = new double[(end - start) * cols + in[1].length];
            for (int i = 0; i < (end - start) * cols; i++) out[i] = in[0][start * cols + i] * in[0][start * cols + i];
            for (int i = 0; i < in[1].length; i++) out[(end - start) * cols + i] = in[1][i] * in[1][i];
            return out;
        }, seed);
    }
}
