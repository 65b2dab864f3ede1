package dev.bedside.model.onnx;

import java.util.List;

/** One node of an ONNX graph (a NodeProto): its name, operator and the names of its inputs and outputs. */
public record OnnxNode(String name, String opType, List<String> inputs, List<String> outputs) {
    public OnnxNode {
        inputs = List.copyOf(inputs);
        outputs = List.copyOf(outputs);
    }
}
