# Writes the bitsandbytes NF4 reference used by BitsandbytesReferenceTest.
# Run with torch and a bitsandbytes source tree on PYTHONPATH (no GPU needed: bitsandbytes' CPU path).
import json, torch
from bitsandbytes import functional as F

rows, cols = 90, 190                      # 17100 weights: 268 blocks of 64 (last one 12 long), 2 nested blocks of 256
g = torch.Generator().manual_seed(11)
w = (torch.randn(rows, cols, generator=g) * torch.exp(torch.rand(rows, 1, generator=g) * 2 - 1)).to(torch.bfloat16)
w[3, 5] = 4.0                               # an outlier
w[7, :64] = 0                               # zeros (no whole block: bitsandbytes CPU and CUDA code an all-zero block differently, both decode to 0)
plain, s1 = F.quantize_4bit(w, blocksize=64, compress_statistics=False, quant_type="nf4")
nested, s2 = F.quantize_4bit(w, blocksize=64, compress_statistics=True, quant_type="nf4")
assert torch.equal(plain, nested)
open("weight.bf16", "wb").write(w.view(torch.int16).numpy().tobytes())
open("packed.u8", "wb").write(plain.numpy().tobytes())
open("absmax.f32", "wb").write(s1.absmax.numpy().tobytes())
open("nested_codes.u8", "wb").write(s2.absmax.numpy().tobytes())
open("nested_absmax.f32", "wb").write(s2.state2.absmax.numpy().tobytes())
json.dump({"rows": rows, "cols": cols, "offset": float(s2.offset), "quant_map": s1.code.tolist(),
           "nested_quant_map": s2.state2.code.tolist(), "torch": torch.__version__}, open("reference.json", "w"), indent=1)
