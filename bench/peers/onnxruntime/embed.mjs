// ONNX Runtime's side of `bedside bench embed`: the same all-MiniLM-L6-v2 ONNX file and the same token ids
// (written by the Java side), mean pooling and L2 normalisation as sentence-transformers does them.
//   node embed.mjs --model M.onnx --ids IDS.json [--threads N] [--repeats R] [--batch B] [--spin 1|0] [--out EMB.json]
// --spin 0 turns off the intra-op threads' spinning (ORT's default is on), which helps on an oversubscribed machine.
// IDS.json: {"ids": [[101, ...], ...]}. Batches of B sentences are padded to their longest with attention_mask 0.
// One untimed warm-up pass (its embeddings go to --out), then R timed passes over all sentences; prints one JSON
// line with the median sentences/s.
import * as ort from "onnxruntime-node";
import {readFileSync, writeFileSync} from "node:fs";
import os from "node:os";

function parseArgs(argv) {
    const args = {};
    for (let i = 0; i < argv.length; i++) {
        if (!argv[i].startsWith("--") || i + 1 >= argv.length) throw new Error(`bad argument '${argv[i]}' (expected --name value)`);
        args[argv[i].slice(2)] = argv[++i];
    }
    return args;
}

const args = parseArgs(process.argv.slice(2));
const threads = Number(args.threads ?? os.availableParallelism());
const repeats = Number(args.repeats ?? 5), batch = Number(args.batch ?? 1), spin = args.spin ?? "1";
const sequences = JSON.parse(readFileSync(args.ids, "utf8")).ids;
const session = await ort.InferenceSession.create(args.model, {
    executionProviders: ["cpu"], intraOpNumThreads: threads, interOpNumThreads: 1, graphOptimizationLevel: "all",
    extra: {session: {intra_op: {allow_spinning: spin}}},
});

async function embedAll() {
    const embeddings = [];
    for (let start = 0; start < sequences.length; start += batch) {
        const group = sequences.slice(start, start + batch);
        const length = Math.max(...group.map(s => s.length));
        const ids = new BigInt64Array(group.length * length), mask = new BigInt64Array(group.length * length);
        group.forEach((s, b) => s.forEach((id, t) => { ids[b * length + t] = BigInt(id); mask[b * length + t] = 1n; }));
        const shape = [group.length, length];
        const out = await session.run({
            input_ids: new ort.Tensor("int64", ids, shape), attention_mask: new ort.Tensor("int64", mask, shape),
            token_type_ids: new ort.Tensor("int64", new BigInt64Array(group.length * length), shape),
        });
        const hidden = out.last_hidden_state.data, dim = out.last_hidden_state.dims[2];
        group.forEach((s, b) => {
            const sum = new Float64Array(dim);
            for (let t = 0; t < s.length; t++) for (let i = 0; i < dim; i++) sum[i] += hidden[(b * length + t) * dim + i];
            let norm = 0;
            for (let i = 0; i < dim; i++) { sum[i] /= s.length; norm += sum[i] * sum[i]; }
            norm = Math.sqrt(norm);
            embeddings.push(Array.from(sum, v => v / norm));
        });
    }
    return embeddings;
}

const first = await embedAll();
if (args.out) writeFileSync(args.out, JSON.stringify({embeddings: first}));
const seconds = [];
for (let r = 0; r < repeats; r++) {
    const t0 = process.hrtime.bigint();
    await embedAll();
    seconds.push(Number(process.hrtime.bigint() - t0) / 1e9);
}
seconds.sort((a, b) => a - b);
const median = seconds[Math.floor(seconds.length / 2)];
console.log(JSON.stringify({peer: "onnxruntime-node", version: ort.env.versions?.common ?? "1.30.0", threads, batch, spin,
    sentences: sequences.length, tokens: sequences.reduce((a, s) => a + s.length, 0), median_seconds: median,
    sentences_per_second: sequences.length / median, runs_seconds: seconds}));
