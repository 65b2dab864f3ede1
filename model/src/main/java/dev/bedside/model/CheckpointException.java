package dev.bedside.model;

import java.io.IOException;
import java.nio.file.Path;

/** A checkpoint or config file that cannot be used: the message names the file, the tensor and the problem. */
public class CheckpointException extends IOException {

    public CheckpointException(Path file, String problem) {
        super(file + ": " + problem);
    }

    public CheckpointException(Path file, String tensor, String problem) {
        super(file + ": tensor '" + tensor + "': " + problem);
    }

    public CheckpointException(Path file, String problem, Throwable cause) {
        super(file + ": " + problem, cause);
    }
}
