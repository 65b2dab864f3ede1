package dev.bedside.dpo.data;

import java.nio.file.Path;

/** A data file that cannot be used (with --strict: the first bad row). The message names the file and line. */
public final class DataException extends IllegalArgumentException {
    public DataException(Path file, RowProblem problem) {
        super(file + ": " + problem);
    }

    public DataException(Path file, String message) {
        super(file + ": " + message);
    }
}
