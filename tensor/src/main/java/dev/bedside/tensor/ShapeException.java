package dev.bedside.tensor;

import java.util.Arrays;

/** Bad input to an op: names the op and the shapes it was given. */
public class ShapeException extends IllegalArgumentException {

    public ShapeException(String op, String problem, int[]... shapes) {
        super(op + ": " + problem + describe(shapes));
    }

    private static String describe(int[][] shapes) {
        if (shapes.length == 0) return "";
        StringBuilder sb = new StringBuilder(" (shapes");
        for (int[] s : shapes) sb.append(' ').append(Arrays.toString(s));
        return sb.append(')').toString();
    }
}
