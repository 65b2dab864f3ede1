package dev.bedside.tornado;

import net.jqwik.api.lifecycle.LifecycleContext;
import net.jqwik.api.lifecycle.SkipExecutionHook;

/**
 * Whether this JVM runs with TornadoVM's modules (the SDK's argument file). As a jqwik hook on a test class, it
 * skips the class with the reason when there is no TornadoVM runtime.
 */
public final class TornadoRuntime implements SkipExecutionHook {

    static boolean present() { return ModuleLayer.boot().findModule("tornado.runtime").isPresent(); }

    @Override
    public SkipResult shouldBeSkipped(LifecycleContext context) {
        return present() ? SkipResult.doNotSkip()
                : SkipResult.skip("no TornadoVM runtime in this JVM: install the SDK and set TORNADOVM_HOME"
                        + " (the tornado module's tests then run on its device); see README, 'Train on a GPU (TornadoVM)'");
    }
}
