// Decode speed on llama.cpp, measured like `bedside bench decode`: a prompt of random ids, then greedy steps of one
// token each; one untimed warm-up, then `repeats` timed runs, medians reported.
// node decode.mjs --model X.gguf [--prompt-tokens 64] [--tokens 32] [--repeats 3] [--threads N]
import {parseArgs, openModel} from "./common.mjs";

const args = parseArgs(process.argv.slice(2));
const promptTokens = Number(args["prompt-tokens"] ?? 64), decodeTokens = Number(args.tokens ?? 32);
const repeats = Number(args.repeats ?? 3);
const {llama, model, context, sequence} = await openModel(args.model, promptTokens + decodeTokens + 32,
    args.threads ? Number(args.threads) : undefined);
let seed = 7;
const vocab = Number(args.vocab ?? 32000);   // ids below every Llama 3 vocabulary size; which ids does not change the speed
const random = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
const prompt = Array.from({length: promptTokens}, () => Math.floor(random() * vocab));

async function timeOnce() {
    await sequence.clearHistory();
    let start = process.hrtime.bigint();
    await sequence.evaluateWithoutGeneratingNewTokens(prompt.slice(0, -1));
    const prefillSeconds = Number(process.hrtime.bigint() - start) / 1e9;
    start = process.hrtime.bigint();
    let produced = 0;
    for await (const token of sequence.evaluate(prompt.slice(-1), {temperature: 0})) {
        if (++produced >= decodeTokens) break;
    }
    const decodeSeconds = Number(process.hrtime.bigint() - start) / 1e9;
    return {prefill: (promptTokens - 1) / prefillSeconds, decode: decodeTokens / decodeSeconds};
}

const median = xs => { const s = [...xs].sort((a, b) => a - b); const n = s.length; return n % 2 ? s[(n - 1) / 2] : (s[n / 2 - 1] + s[n / 2]) / 2; };
await timeOnce();
const runs = [];
for (let r = 0; r < repeats; r++) runs.push(await timeOnce());
console.log(JSON.stringify({
    op: "decode", peer: "llama.cpp (node-llama-cpp 3.21.1, CPU)", model: args.model, prompt_tokens: promptTokens,
    decode_tokens: decodeTokens, repeats, threads: context.currentThreads,
    prefill_tokens_per_second: median(runs.map(r => r.prefill)), decode_tokens_per_second: median(runs.map(r => r.decode)),
}));
await llama.dispose();
