package dev.bedside.dpo.train;

import dev.bedside.autograd.Autograd;
import dev.bedside.autograd.BasicOps;
import dev.bedside.autograd.MatrixOps;
import dev.bedside.autograd.Var;
import dev.bedside.lora.LoraAdapter;
import dev.bedside.lora.LoraProjection;
import dev.bedside.model.LlamaModel;
import dev.bedside.model.Projection;
import dev.bedside.tensor.Tensor;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * LoRA dropout for training, computed as {@link LoraProjection} does (y = base(x) + scale·(dropout(x)·Aᵀ)·Bᵀ)
 * but with masks that
 * <ul>
 *   <li>depend only on (seed, step, micro-batch): a resumed run draws the same masks as an uninterrupted one;</li>
 *   <li>survive activation checkpointing: a checkpointed block runs twice (forward without recording, then again
 *       in backward), and both runs must see the same mask, as torch's checkpoint restores the RNG state.
 *       The first run pushes each mask on a stack; the recomputation pops it. Backward recomputes blocks in
 *       the reverse order of the forwards, so last in, first out matches them up.</li>
 * </ul>
 * {@link #install} puts a wrapper in each adapted slot of the model; {@link #uninstall} puts the adapter's
 * projections back (before saving or detaching).
 */
public final class ReplayableDropout implements Projection {
    private final LoraProjection lora;
    private final LlamaModel model;
    private final double p;
    private final long salt;
    private final ArrayDeque<float[]> replay = new ArrayDeque<>();
    private SplittableRandom random;

    private ReplayableDropout(LoraProjection lora, LlamaModel model, double p, long salt) {
        this.lora = lora;
        this.model = model;
        this.p = p;
        this.salt = salt;
        reseed(0);
    }

    /** Wraps every projection of {@code adapter} that sits in the model; returns the wrappers in model order. */
    public static List<ReplayableDropout> install(LoraAdapter adapter, double p) {
        List<ReplayableDropout> installed = new ArrayList<>();
        adapter.setTraining(false);   // the adapter's own dropout stays off: this class applies it
        long salt = 0;
        for (LlamaModel.Block block : adapter.model().blocks()) {
            block.q = wrap(block.q, adapter, p, salt++, installed);
            block.k = wrap(block.k, adapter, p, salt++, installed);
            block.v = wrap(block.v, adapter, p, salt++, installed);
            block.o = wrap(block.o, adapter, p, salt++, installed);
            block.gate = wrap(block.gate, adapter, p, salt++, installed);
            block.up = wrap(block.up, adapter, p, salt++, installed);
            block.down = wrap(block.down, adapter, p, salt++, installed);
        }
        return installed;
    }

    private static Projection wrap(Projection slot, LoraAdapter adapter, double p, long salt, List<ReplayableDropout> installed) {
        if (!(slot instanceof LoraProjection lora) || !adapter.modules().containsValue(lora)) return slot;
        ReplayableDropout wrapper = new ReplayableDropout(lora, adapter.model(), p, salt);
        installed.add(wrapper);
        return wrapper;
    }

    /** Puts the adapter's own projections back in place of the wrappers. */
    public static void uninstall(LlamaModel model) {
        for (LlamaModel.Block block : model.blocks()) {
            block.q = unwrap(block.q);
            block.k = unwrap(block.k);
            block.v = unwrap(block.v);
            block.o = unwrap(block.o);
            block.gate = unwrap(block.gate);
            block.up = unwrap(block.up);
            block.down = unwrap(block.down);
        }
    }

    private static Projection unwrap(Projection slot) {
        return slot instanceof ReplayableDropout wrapper ? wrapper.lora : slot;
    }

    /** Starts the mask stream of one micro-batch; forgets masks of an abandoned forward. */
    public void reseed(long microBatchSeed) {
        random = new SplittableRandom(microBatchSeed * 0x9E3779B97F4A7C15L + salt);
        replay.clear();
    }

    @Override
    public Var apply(Var x) {
        if (!lora.isEnabled() || p == 0) return lora.apply(x);
        Var y = lora.base().apply(x);
        Var dropped = BasicOps.mul(x, Var.constant(Tensor.of(mask(x.numel()), x.shape())));
        Var update = MatrixOps.linear(MatrixOps.linear(dropped, lora.a()), lora.b());
        return BasicOps.add(y, BasicOps.scale(update, lora.scale()));
    }

    /** Inverted dropout: zero with probability p, else 1/(1 − p). Replayed for a checkpoint's recomputation. */
    private float[] mask(int size) {
        boolean checkpointed = model.checkpointBlocks();
        if (checkpointed && Autograd.isGradEnabled() && !replay.isEmpty()) {
            float[] saved = replay.pop();
            if (saved.length == size) return saved;
            throw new IllegalStateException("dropout replay: a recomputed block asks for " + size + " values, the saved mask has " + saved.length);
        }
        float keep = (float) (1 / (1 - p));
        float[] mask = new float[size];
        for (int i = 0; i < size; i++) mask[i] = random.nextDouble() < p ? 0f : keep;
        if (checkpointed && !Autograd.isGradEnabled()) replay.push(mask);
        return mask;
    }

    @Override
    public Tensor weight() { return lora.weight(); }
}
