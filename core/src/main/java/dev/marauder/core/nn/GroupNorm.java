package dev.marauder.core.nn;

import ai.djl.MalformedModelException;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.Arrays;

/**
 * Group normalization (Wu &amp; He 2018, "Group Normalization"): the channels of each example are
 * split into {@code groups} groups, each normalised to zero mean and unit variance over its
 * channels and positions, then scaled and shifted per channel ({@code gamma}, {@code beta}).
 *
 * <p>Unlike BatchNorm it never mixes the examples of a batch, so every example has its own
 * gradient and the layer can be trained with DP-SGD. Input {@code [N, C, ...]}, C divisible by
 * the number of groups.
 */
public final class GroupNorm extends AbstractBlock {
    private static final byte VERSION = 1;
    private final int groups;
    private final float epsilon;
    private final Parameter gamma;
    private final Parameter beta;

    /** Group normalization with {@code groups} groups and epsilon 1e-5. */
    public GroupNorm(int groups) {
        this(groups, 1e-5f);
    }

    /** Group normalization with {@code groups} groups and variance offset {@code epsilon}. */
    public GroupNorm(int groups, float epsilon) {
        super(VERSION);
        if (groups < 1) {
            throw new IllegalArgumentException("GroupNorm needs at least one group, got " + groups);
        }
        if (!(epsilon > 0)) {
            throw new IllegalArgumentException("GroupNorm epsilon must be positive, got " + epsilon);
        }
        this.groups = groups;
        this.epsilon = epsilon;
        this.gamma = addParameter(Parameter.builder()
                .setName("gamma")
                .setType(Parameter.Type.GAMMA)
                .build());
        this.beta = addParameter(
                Parameter.builder().setName("beta").setType(Parameter.Type.BETA).build());
    }

    /** The number of groups. */
    public int groups() {
        return groups;
    }

    /** The variance offset. */
    public float epsilon() {
        return epsilon;
    }

    /**
     * The normalised input, before the per-channel scale and shift: each example's channels in
     * groups of {@code C / groups}, each group to mean 0 and variance 1 (biased variance, as in the
     * paper and PyTorch).
     */
    public static NDArray normalize(NDArray x, int groups, float epsilon) {
        Shape shape = x.getShape();
        NDArray grouped = x.reshape(shape.get(0), groups, -1);
        NDArray centred = grouped.sub(grouped.mean(new int[] {2}, true));
        NDArray variance = centred.square().mean(new int[] {2}, true);
        return centred.div(variance.add(epsilon).sqrt()).reshape(shape);
    }

    /** {@code [1, C, 1, ...]}: a per-channel vector shaped to broadcast against {@code x}. */
    static NDArray perChannel(NDArray values, Shape inputShape) {
        long[] dims = new long[inputShape.dimension()];
        Arrays.fill(dims, 1);
        dims[1] = values.getShape().get(0);
        return values.reshape(new Shape(dims));
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore parameterStore, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray x = inputs.singletonOrThrow();
        NDArray g = parameterStore.getValue(gamma, x.getDevice(), training);
        NDArray b = parameterStore.getValue(beta, x.getDevice(), training);
        Shape shape = x.getShape();
        return new NDList(
                normalize(x, groups, epsilon).mul(perChannel(g, shape)).add(perChannel(b, shape)));
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return new Shape[] {inputShapes[0]};
    }

    @Override
    public void prepare(Shape[] inputShapes) {
        Shape input = inputShapes[0];
        if (input.dimension() < 2) {
            throw new IllegalArgumentException("GroupNorm needs inputs [N, C, ...], got " + input);
        }
        long channels = input.get(1);
        if (channels % groups != 0) {
            throw new IllegalArgumentException(
                    "GroupNorm: " + channels + " channels cannot be split into " + groups + " groups");
        }
        gamma.setShape(new Shape(channels));
        beta.setShape(new Shape(channels));
    }

    @Override
    protected void saveMetadata(DataOutputStream os) throws IOException {
        saveInputShapes(os);
        os.writeInt(groups);
        os.writeFloat(epsilon);
    }

    @Override
    public void loadMetadata(byte loadVersion, DataInputStream is) throws IOException, MalformedModelException {
        if (loadVersion != VERSION) {
            throw new MalformedModelException("unsupported GroupNorm version " + loadVersion);
        }
        readInputShapes(is);
        int savedGroups = is.readInt();
        float savedEpsilon = is.readFloat();
        if (savedGroups != groups || savedEpsilon != epsilon) {
            throw new MalformedModelException("GroupNorm parameters were saved with " + savedGroups
                    + " groups and epsilon " + savedEpsilon + ", this layer has " + groups + " and " + epsilon);
        }
    }

    @Override
    public String toString() {
        return "GroupNorm(groups=" + groups + ")";
    }
}
