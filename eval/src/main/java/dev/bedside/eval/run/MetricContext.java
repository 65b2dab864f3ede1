package dev.bedside.eval.run;

import dev.bedside.eval.chat.ChatBackend;
import java.util.function.Supplier;

/**
 * What a metric may need to be built: the judge ({@code --judge local|URL}). {@code judge.get()} throws with
 * a message saying to give {@code --judge} when none was given.
 */
public record MetricContext(Supplier<ChatBackend> judge) {
    public static MetricContext withoutJudge() {
        return new MetricContext(() -> {
            throw new IllegalArgumentException("this metric needs a judge: give --judge local or --judge URL");
        });
    }
}
