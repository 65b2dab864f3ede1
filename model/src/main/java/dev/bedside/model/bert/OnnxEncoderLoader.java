package dev.bedside.model.bert;

import dev.bedside.model.CheckpointException;
import dev.bedside.model.onnx.OnnxModel;
import dev.bedside.model.onnx.OnnxTensor;
import dev.bedside.tensor.Tensor;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A BERT encoder from a PyTorch ONNX export (e.g. Xenova/all-MiniLM-L6-v2's {@code model.onnx}). Embeddings, biases
 * and LayerNorms keep their PyTorch names; the dense matrices have generated names and are found through the
 * MatMul nodes that use them ({@code /encoder/layer.0/attention/self/query/MatMul}). They are stored [in, out]
 * and transposed here to [out, in]. Sizes come from the tensors' shapes; the head count is not in the weights.
 */
public final class OnnxEncoderLoader {
    private OnnxEncoderLoader() {}

    public record Loaded(EncoderConfig config, EncoderWeights weights) {}

    public static Loaded load(OnnxModel onnx, int heads, float layerNormEps) throws CheckpointException {
        Path src = onnx.source();
        Tensor word = f32(onnx, "embeddings.word_embeddings.weight");
        if (word.rank() != 2) throw new CheckpointException(src, "embeddings.word_embeddings.weight", "rank " + word.rank() + ", expected 2");
        int vocab = word.dim(0), hidden = word.dim(1);
        Tensor position = f32(onnx, "embeddings.position_embeddings.weight");
        Tensor types = f32(onnx, "embeddings.token_type_embeddings.weight");
        int layers = 0;
        while (onnx.initializers().containsKey("encoder.layer." + layers + ".output.LayerNorm.weight")) layers++;
        if (layers == 0) throw new CheckpointException(src, "encoder.layer.0.output.LayerNorm.weight", "no encoder layers found");
        int intermediate = f32(onnx, "encoder.layer.0.intermediate.dense.bias").numel();
        EncoderConfig config = EncoderConfig.bert(hidden, layers, heads, intermediate, vocab, position.dim(0),
                types.dim(0), layerNormEps);
        WeightCheck.require(src, "embeddings.position_embeddings.weight", position, config.maxPositions(), hidden);
        WeightCheck.require(src, "embeddings.token_type_embeddings.weight", types, config.typeVocab(), hidden);

        List<EncoderWeights.Layer> list = new ArrayList<>();
        for (int l = 0; l < layers; l++) {
            String p = "encoder.layer." + l + ".", node = "/encoder/layer." + l + "/";
            list.add(new EncoderWeights.Layer(
                    matrix(onnx, node + "attention/self/query/MatMul", hidden, hidden), vector(onnx, p + "attention.self.query.bias", hidden),
                    matrix(onnx, node + "attention/self/key/MatMul", hidden, hidden), vector(onnx, p + "attention.self.key.bias", hidden),
                    matrix(onnx, node + "attention/self/value/MatMul", hidden, hidden), vector(onnx, p + "attention.self.value.bias", hidden),
                    matrix(onnx, node + "attention/output/dense/MatMul", hidden, hidden), vector(onnx, p + "attention.output.dense.bias", hidden),
                    vector(onnx, p + "attention.output.LayerNorm.weight", hidden), vector(onnx, p + "attention.output.LayerNorm.bias", hidden),
                    matrix(onnx, node + "intermediate/dense/MatMul", hidden, intermediate), vector(onnx, p + "intermediate.dense.bias", intermediate),
                    matrix(onnx, node + "output/dense/MatMul", intermediate, hidden), vector(onnx, p + "output.dense.bias", hidden),
                    vector(onnx, p + "output.LayerNorm.weight", hidden), vector(onnx, p + "output.LayerNorm.bias", hidden)));
        }
        EncoderWeights weights = new EncoderWeights(word, position, types, vector(onnx, "embeddings.LayerNorm.weight", hidden),
                vector(onnx, "embeddings.LayerNorm.bias", hidden), null, list);
        return new Loaded(config, weights);
    }

    private static Tensor f32(OnnxModel onnx, String name) throws CheckpointException {
        OnnxTensor t = onnx.initializer(name);
        if (t.dataType() != OnnxTensor.FLOAT) throw new CheckpointException(onnx.source(), name, "data type " + t.dataType() + ", expected float32 (1)");
        return t.toF32();
    }

    private static Tensor vector(OnnxModel onnx, String name, int size) throws CheckpointException {
        return WeightCheck.require(onnx.source(), name, f32(onnx, name), size);
    }

    /** The [in, out] weight of a MatMul node, as a contiguous [out, in] matrix. */
    private static Tensor matrix(OnnxModel onnx, String node, int in, int out) throws CheckpointException {
        OnnxTensor t = onnx.matMulWeight(node);
        String what = t.name() + " (weight of " + node + ")";
        if (t.dataType() != OnnxTensor.FLOAT) throw new CheckpointException(onnx.source(), what, "data type " + t.dataType() + ", expected float32 (1)");
        float[] stored = WeightCheck.require(onnx.source(), what, t.toF32(), in, out).data(), transposed = new float[in * out];
        for (int i = 0; i < in; i++) {
            for (int o = 0; o < out; o++) transposed[o * in + i] = stored[i * out + o];
        }
        return Tensor.of(transposed, out, in);
    }
}
