package dev.marauder.core.engine;

import ai.djl.training.GradientCollector;
import java.util.concurrent.Callable;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;

/**
 * The one place where Marauder records gradients.
 *
 * <p>DJL's PyTorch engine allows a single {@link GradientCollector} per process: opening a second
 * one while the first is alive fails. Every gradient computation in Marauder (input gradients
 * for attacks, training steps) therefore runs through this class, which serialises them with one
 * process-wide lock. Work that opens its own collector (a DJL {@code Trainer}) runs inside
 * {@link #exclusively(Callable)}; work that only needs a collector uses {@link #collect(Function)}.
 *
 * <p>Collectors are not re-entrant: do not call {@link #collect} from inside another collect.
 */
public final class Autograd {
    private static final ReentrantLock LOCK = new ReentrantLock(true);

    private Autograd() {}

    /**
     * Runs {@code work} with a fresh gradient collector, holding the process-wide gradient lock.
     * The collector is closed (and the previous grad mode restored) before this returns.
     */
    public static <T> T collect(Function<GradientCollector, T> work) {
        LOCK.lock();
        try (GradientCollector collector = Engines.pytorch().newGradientCollector()) {
            return work.apply(collector);
        } finally {
            LOCK.unlock();
        }
    }

    /** Runs {@code work}, which opens collectors itself, while no other gradient work can run. */
    public static <T> T exclusively(Callable<T> work) {
        LOCK.lock();
        try {
            return work.call();
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException(e.getMessage(), e);
        } finally {
            LOCK.unlock();
        }
    }

    /**
     * Sets the accumulated gradient of every parameter of {@code block} to zero. DJL does not do
     * this for us (neither the collector nor the optimisers), so every training step calls it.
     */
    public static void zeroParameterGradients(ai.djl.nn.Block block) {
        for (ai.djl.util.Pair<String, ai.djl.nn.Parameter> p : block.getParameters()) {
            ai.djl.ndarray.NDArray array = p.getValue().getArray();
            if (array.hasGradient()) {
                ai.djl.pytorch.jni.JniUtils.zeroGrad((ai.djl.pytorch.engine.PtNDArray) array);
            }
        }
    }

    /** True if the current thread holds the gradient lock. */
    public static boolean heldByCurrentThread() {
        return LOCK.isHeldByCurrentThread();
    }
}
