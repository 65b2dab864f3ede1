// Greedy continuation of prompt ids on llama.cpp: node greedy.mjs --model X.gguf --ids 128000,9906 [--tokens 8]
// Prints {"model":…, "prompt_ids":[…], "greedy":[…]}: the ids llama.cpp picks with temperature 0 (argmax), no penalties.
import {parseArgs, openModel} from "./common.mjs";

const args = parseArgs(process.argv.slice(2));
const ids = args.ids.split(",").map(Number);
const count = Number(args.tokens ?? 8);
const {llama, sequence} = await openModel(args.model, ids.length + count + 8, args.threads ? Number(args.threads) : undefined);
const greedy = [];
for await (const token of sequence.evaluate(ids, {temperature: 0})) {
    greedy.push(token);
    if (greedy.length >= count) break;
}
console.log(JSON.stringify({model: args.model, prompt_ids: ids, greedy}));
await llama.dispose();
