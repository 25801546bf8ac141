package dev.marauder.core.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.core.Linear;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/**
 * A single-layer LSTM (Hochreiter &amp; Schmidhuber 1997) over {@code [N, T, inputs]} sequences,
 * returning every hidden state {@code [N, T, hidden]}, built from two {@link Linear} layers: the
 * input-to-gates layer applied to the whole sequence at once and the hidden-to-gates layer applied
 * once per step. Gates in PyTorch's order (input, forget, cell, output); zero initial state.
 *
 * <p>Written out of Linear layers, rather than the engine's fused LSTM kernel, so that per-example
 * gradients (DP-SGD) follow from the Linear rule applied to every time step, as in Opacus's DPLSTM;
 * the computation is the standard LSTM cell.
 */
public final class Lstm extends AbstractBlock implements TapAwareBlock {
    private static final byte VERSION = 1;
    private final int hidden;
    private final Linear inputGates;
    private final Linear hiddenGates;

    /** An LSTM with {@code hidden} units. */
    public Lstm(int hidden) {
        super(VERSION);
        if (hidden < 1) {
            throw new IllegalArgumentException("an LSTM needs at least one hidden unit, got " + hidden);
        }
        this.hidden = hidden;
        this.inputGates = addChildBlock(
                "input_gates", Linear.builder().setUnits(4L * hidden).build());
        this.hiddenGates = addChildBlock(
                "hidden_gates", Linear.builder().setUnits(4L * hidden).build());
    }

    /** The number of hidden units. */
    public int hidden() {
        return hidden;
    }

    @Override
    public NDArray forward(ParameterStore parameters, NDArray input, boolean training, LayerTap tap) {
        Shape shape = input.getShape();
        if (shape.dimension() != 3) {
            throw new IllegalArgumentException("an LSTM needs inputs [batch, time, features], got " + shape);
        }
        int steps = (int) shape.get(1);
        NDArray projected = tap.forward(inputGates, parameters, input, training);
        NDManager manager = input.getManager();
        NDArray h = manager.zeros(new Shape(shape.get(0), hidden), input.getDataType());
        NDArray c = h;
        NDList states = new NDList(steps);
        for (int t = 0; t < steps; t++) {
            NDArray gates = projected.get(":, " + t + ", :").add(tap.forward(hiddenGates, parameters, h, training));
            NDArray in = sigmoid(gates.get(":, 0:" + hidden));
            NDArray forget = sigmoid(gates.get(":, " + hidden + ":" + 2 * hidden));
            NDArray cell = gates.get(":, " + 2 * hidden + ":" + 3 * hidden).tanh();
            NDArray out = sigmoid(gates.get(":, " + 3 * hidden + ":"));
            c = forget.mul(c).add(in.mul(cell));
            h = out.mul(c.tanh());
            states.add(h);
        }
        return NDArrays.stack(states, 1);
    }

    private static NDArray sigmoid(NDArray x) {
        return ai.djl.nn.Activation.sigmoid(x);
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore parameterStore, NDList inputs, boolean training, PairList<String, Object> params) {
        return new NDList(forward(parameterStore, inputs.singletonOrThrow(), training, LayerTap.PLAIN));
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        Shape input = inputShapes[0];
        return new Shape[] {new Shape(input.get(0), input.get(1), hidden)};
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        Shape input = inputShapes[0];
        if (input.dimension() != 3) {
            throw new IllegalArgumentException("an LSTM needs inputs [batch, time, features], got " + input);
        }
        inputGates.initialize(manager, dataType, input);
        hiddenGates.initialize(manager, dataType, new Shape(input.get(0), hidden));
    }

    @Override
    public String toString() {
        return "Lstm(hidden=" + hidden + ")";
    }
}
