package dev.bedside.model.safetensors;

import dev.bedside.tensor.DType;

import java.util.List;

/** The dtype names of the safetensors format and their sizes. */
final class SafetensorsDTypes {
    private SafetensorsDTypes() {}

    static final List<String> NAMES = List.of("F64", "F32", "F16", "BF16", "I64", "I32", "I16", "I8", "U64", "U32",
            "U16", "U8", "BOOL", "F8_E4M3", "F8_E5M2");

    /** Bytes per element, 0 for a name the format does not define. */
    static int bytes(String dtype) {
        return switch (dtype) {
            case "F64", "I64", "U64" -> 8;
            case "F32", "I32", "U32" -> 4;
            case "F16", "BF16", "I16", "U16" -> 2;
            case "I8", "U8", "BOOL", "F8_E4M3", "F8_E5M2" -> 1;
            default -> 0;
        };
    }

    /** The tensor dtype for a name, or null when tensors cannot be stored in it. */
    static DType tensorDType(String dtype) {
        return switch (dtype) {
            case "F32" -> DType.F32;
            case "F16" -> DType.F16;
            case "BF16" -> DType.BF16;
            default -> null;
        };
    }

    static String name(DType dtype) {
        return switch (dtype) {
            case F32 -> "F32";
            case F16 -> "F16";
            case BF16 -> "BF16";
            case Q8_0, Q4_0, NF4 -> throw new IllegalArgumentException(dtype + " is not a safetensors dtype: store its blocks as U8 tensors");
        };
    }
}
