package dev.marauder.defenses.training;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;
import dev.marauder.core.model.EngineClassifier;
import dev.marauder.core.model.InputSpec;
import dev.marauder.core.model.ModelFormat;
import dev.marauder.core.model.ModelInfo;
import java.util.Map;

/**
 * A network in the middle of training seen as a classifier, so that the project's attacks can
 * craft adversarial examples against its current parameters. Forward passes run in evaluation
 * mode; the training loop freezes the parameters while the attack runs, so only input gradients
 * are computed.
 */
final class BlockView extends EngineClassifier {
    private final Block block;
    private final ParameterStore parameters;

    BlockView(Block block, ParameterStore parameters, InputSpec spec, int classes) {
        super(spec, classes, new ModelInfo("model being trained", ModelFormat.MARAUDER, Map.of()));
        this.block = block;
        this.parameters = parameters;
    }

    @Override
    protected NDArray forward(NDArray x, boolean recordGradients) {
        return block.forward(parameters, new NDList(x), false).singletonOrThrow();
    }

    @Override
    public void close() {
        // the trainer owns the block
    }
}
