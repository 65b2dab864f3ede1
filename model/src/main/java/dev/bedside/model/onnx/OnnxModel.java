package dev.bedside.model.onnx;

import dev.bedside.model.CheckpointException;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The weights and the node list of an ONNX model, read with our own protobuf decoder ({@link ProtoReader}).
 * Only what a weight loader needs: ModelProto.graph → GraphProto.{node, initializer}; a node's name, op_type,
 * inputs and outputs; an initializer's name, dims, data_type and values (raw_data, float_data or int64_data).
 * Exporters give matrices generated names ({@code onnx::MatMul_123}); {@link #matMulWeight} finds one through
 * the MatMul node that consumes it.
 */
public final class OnnxModel {
    // Field numbers from onnx.proto.
    private static final int MODEL_GRAPH = 7;
    private static final int GRAPH_NODE = 1, GRAPH_INITIALIZER = 5;
    private static final int NODE_INPUT = 1, NODE_OUTPUT = 2, NODE_NAME = 3, NODE_OP_TYPE = 4;
    private static final int TENSOR_DIMS = 1, TENSOR_DATA_TYPE = 2, TENSOR_FLOAT_DATA = 4, TENSOR_INT64_DATA = 7,
            TENSOR_NAME = 8, TENSOR_RAW_DATA = 9, TENSOR_EXTERNAL_DATA = 13, TENSOR_DATA_LOCATION = 14;

    private final Path source;
    private final Map<String, OnnxTensor> initializers;
    private final List<OnnxNode> nodes;

    private OnnxModel(Path source, Map<String, OnnxTensor> initializers, List<OnnxNode> nodes) {
        this.source = source;
        this.initializers = initializers;
        this.nodes = nodes;
    }

    public static OnnxModel read(Path file) throws IOException {
        if (!Files.isRegularFile(file)) throw new CheckpointException(file, "ONNX file not found");
        return read(file, Files.readAllBytes(file));
    }

    /** Parses {@code bytes}; {@code source} only names them in error messages (a file, or a resource in a jar). */
    public static OnnxModel read(Path source, byte[] bytes) throws IOException {
        Map<String, OnnxTensor> initializers = new LinkedHashMap<>();
        List<OnnxNode> nodes = new ArrayList<>();
        String where = "ModelProto";
        try {
            ProtoReader model = new ProtoReader(MemorySegment.ofArray(bytes));
            boolean sawGraph = false;
            while (model.next()) {
                if (model.field() != MODEL_GRAPH || model.wireType() != ProtoReader.LENGTH_DELIMITED) {
                    model.skip();
                    continue;
                }
                sawGraph = true;
                where = "GraphProto";
                ProtoReader graph = new ProtoReader(model.bytes());
                while (graph.next()) {
                    if (graph.field() == GRAPH_NODE && graph.wireType() == ProtoReader.LENGTH_DELIMITED) {
                        where = "node " + nodes.size();
                        nodes.add(node(graph.bytes()));
                    } else if (graph.field() == GRAPH_INITIALIZER && graph.wireType() == ProtoReader.LENGTH_DELIMITED) {
                        where = "initializer " + initializers.size();
                        OnnxTensor tensor = tensor(source, graph.bytes());
                        initializers.put(tensor.name(), tensor);
                    } else {
                        graph.skip();
                    }
                }
            }
            if (!sawGraph) throw new CheckpointException(source, "not an ONNX model: no graph (ModelProto field 7)");
        } catch (ProtoReader.MalformedProto e) {
            throw new CheckpointException(source, "not an ONNX model (malformed protobuf in " + where + ": " + e.getMessage() + ")");
        }
        return new OnnxModel(source, initializers, nodes);
    }

    private static OnnxNode node(MemorySegment bytes) {
        ProtoReader r = new ProtoReader(bytes);
        String name = "", opType = "";
        List<String> inputs = new ArrayList<>(), outputs = new ArrayList<>();
        while (r.next()) {
            switch (r.field()) {
                case NODE_INPUT -> inputs.add(r.string());
                case NODE_OUTPUT -> outputs.add(r.string());
                case NODE_NAME -> name = r.string();
                case NODE_OP_TYPE -> opType = r.string();
                default -> r.skip();
            }
        }
        return new OnnxNode(name, opType, inputs, outputs);
    }

    private static OnnxTensor tensor(Path source, MemorySegment bytes) throws CheckpointException {
        ProtoReader r = new ProtoReader(bytes);
        String name = "";
        LongList dims = new LongList(), int64Data = new LongList();
        FloatList floatData = new FloatList();
        int dataType = 0;
        MemorySegment raw = null;
        boolean external = false;
        while (r.next()) {
            switch (r.field()) {
                case TENSOR_DIMS -> readLongs(r, dims);
                case TENSOR_DATA_TYPE -> dataType = (int) r.varint();
                case TENSOR_FLOAT_DATA -> readFloats(r, floatData);
                case TENSOR_INT64_DATA -> readLongs(r, int64Data);
                case TENSOR_NAME -> name = r.string();
                case TENSOR_RAW_DATA -> raw = r.bytes();
                case TENSOR_EXTERNAL_DATA -> { external = true; r.skip(); }
                case TENSOR_DATA_LOCATION -> external |= r.varint() == 1;
                default -> r.skip();
            }
        }
        if (external) throw new CheckpointException(source, name, "stored as external data, which this reader does not support");
        long[] shape = dims.toArray();
        for (long d : shape) if (d < 0) throw new CheckpointException(source, name, "negative dimension in " + Arrays.toString(shape));
        int elementBytes = OnnxTensor.elementBytes(dataType);
        if (elementBytes < 0) throw new CheckpointException(source, name, "unsupported " + OnnxTensor.typeName(dataType));
        MemorySegment data;
        if (raw != null) data = raw;
        else if (floatData.size > 0 || dataType == OnnxTensor.FLOAT) data = floatData.toLittleEndian();
        else data = int64Data.toLittleEndian();
        OnnxTensor tensor = new OnnxTensor(name, shape, dataType, data);
        long expected = tensor.numel() * elementBytes;
        if (data.byteSize() != expected) {
            throw new CheckpointException(source, name, OnnxTensor.typeName(dataType) + " " + Arrays.toString(shape) + " needs "
                    + expected + " bytes of data, the file holds " + data.byteSize());
        }
        return tensor;
    }

    /** A repeated int64 field: packed (one length-delimited run of varints) or one varint per occurrence. */
    private static void readLongs(ProtoReader r, LongList into) {
        if (r.wireType() == ProtoReader.LENGTH_DELIMITED) {
            ProtoReader packed = new ProtoReader(r.bytes());
            while (packed.hasMore()) into.add(packed.varint());
        } else {
            into.add(r.varint());
        }
    }

    /** A repeated float field: packed little-endian floats or one fixed32 per occurrence. */
    private static void readFloats(ProtoReader r, FloatList into) {
        if (r.wireType() == ProtoReader.LENGTH_DELIMITED) {
            MemorySegment packed = r.bytes();
            if (packed.byteSize() % 4 != 0) throw new ProtoReader.MalformedProto("packed floats of " + packed.byteSize() + " bytes", 0);
            for (long i = 0; i < packed.byteSize(); i += 4) into.add(packed.get(LE_FLOAT, i));
        } else {
            into.add(r.fixed32Float());
        }
    }

    private static final ValueLayout.OfFloat LE_FLOAT = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfLong LE_LONG = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    private static final class LongList {
        long[] values = new long[4];
        int size;

        void add(long v) {
            if (size == values.length) values = Arrays.copyOf(values, size * 2);
            values[size++] = v;
        }

        long[] toArray() { return Arrays.copyOf(values, size); }

        MemorySegment toLittleEndian() {
            MemorySegment out = MemorySegment.ofArray(new byte[size * 8]);
            for (int i = 0; i < size; i++) out.set(LE_LONG, i * 8L, values[i]);
            return out;
        }
    }

    private static final class FloatList {
        float[] values = new float[4];
        int size;

        void add(float v) {
            if (size == values.length) values = Arrays.copyOf(values, size * 2);
            values[size++] = v;
        }

        MemorySegment toLittleEndian() {
            MemorySegment out = MemorySegment.ofArray(new byte[size * 4]);
            for (int i = 0; i < size; i++) out.set(LE_FLOAT, i * 4L, values[i]);
            return out;
        }
    }

    // ---------------------------------------------------------------- lookups

    /** Where the bytes came from (for messages). */
    public Path source() { return source; }

    public Map<String, OnnxTensor> initializers() { return Map.copyOf(initializers); }

    public List<OnnxNode> nodes() { return List.copyOf(nodes); }

    public OnnxTensor initializer(String name) throws CheckpointException {
        OnnxTensor tensor = initializers.get(name);
        if (tensor == null) throw new CheckpointException(source, name, "no such initializer (" + initializers.size() + " in the graph)");
        return tensor;
    }

    /** The initializer that the MatMul node named {@code nodeName} multiplies by (its one constant input). */
    public OnnxTensor matMulWeight(String nodeName) throws CheckpointException {
        for (OnnxNode node : nodes) {
            if (!node.name().equals(nodeName)) continue;
            if (!node.opType().equals("MatMul")) {
                throw new CheckpointException(source, nodeName, "node is a " + node.opType() + ", expected MatMul");
            }
            for (String input : node.inputs()) if (initializers.containsKey(input)) return initializers.get(input);
            throw new CheckpointException(source, nodeName, "MatMul node has no initializer among its inputs " + node.inputs());
        }
        throw new CheckpointException(source, nodeName, "no such MatMul node in the graph");
    }
}
