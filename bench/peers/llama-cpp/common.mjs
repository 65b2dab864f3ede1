// Shared by the peer scripts: argument parsing and loading a GGUF on llama.cpp's CPU backend.
import {getLlama, LlamaLogLevel} from "node-llama-cpp";
import os from "node:os";

/** "--name value" pairs into an object; every value is a string. */
export function parseArgs(argv) {
    const args = {};
    for (let i = 0; i < argv.length; i++) {
        if (!argv[i].startsWith("--") || i + 1 >= argv.length) throw new Error(`bad argument '${argv[i]}' (expected --name value)`);
        args[argv[i].slice(2)] = argv[++i];
    }
    return args;
}

/** A context on the CPU (no GPU offload, no flash attention) holding `contextSize` tokens, one sequence. */
export async function openModel(modelPath, contextSize, threads) {
    const llama = await getLlama({gpu: false, build: "never", logLevel: LlamaLogLevel.error});
    const model = await llama.loadModel({modelPath, gpuLayers: 0});
    const context = await model.createContext({
        contextSize, batchSize: contextSize, flashAttention: false, threads: threads ?? os.availableParallelism(),
    });
    return {llama, model, context, sequence: context.getSequence()};
}
