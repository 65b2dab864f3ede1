package dev.bedside.model.bert;

import dev.bedside.model.CheckpointException;
import dev.bedside.tensor.Tensor;
import java.nio.file.Path;
import java.util.Arrays;

/** Shape checks for loaded weights, with messages that name the file and the tensor. */
final class WeightCheck {
    private WeightCheck() {}

    static Tensor require(Path source, String name, Tensor tensor, int... shape) throws CheckpointException {
        if (!Arrays.equals(tensor.shape(), shape)) {
            throw new CheckpointException(source, name, "shape " + Arrays.toString(tensor.shape()) + ", expected " + Arrays.toString(shape));
        }
        return tensor;
    }
}
