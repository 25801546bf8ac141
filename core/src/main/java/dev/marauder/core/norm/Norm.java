package dev.marauder.core.norm;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import dev.marauder.core.model.Tensors;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.function.UnaryOperator;

/**
 * A perturbation norm as a strategy object: the same attack code serves every norm, instead of
 * one near-copy of the attack per norm (foolbox's per-norm attack classes). Everything an attack
 * needs to know about its norm lives here: per-example norms, projection onto the ball and onto
 * the ball intersected with the input box, a uniform random point of the ball (for random
 * starts), the steepest-ascent direction, and the dual norm.
 *
 * <p>All NDArray operations work per example over a batch whose first dimension is the example
 * index; their results belong to the input's manager, and their temporaries live in a sub-manager
 * closed before they return. Serialised to JSON as its {@link #id()}.
 */
public enum Norm {
    /** The L-infinity norm: the largest absolute change of any input value. */
    LINF("linf") {
        @Override
        public NDArray norms(NDArray delta) {
            return scoped(delta, d -> flat(d).abs().max(new int[] {1}));
        }

        /** The sign of the gradient (Goodfellow, Shlens &amp; Szegedy 2015, FGSM). */
        @Override
        public NDArray steepestAscent(NDArray gradient) {
            return gradient.sign();
        }

        @Override
        public NDArray projectToBall(NDArray delta, double epsilon) {
            return delta.clip(-epsilon, epsilon);
        }

        /** Exact: the ball and the box are both boxes, intersected once, so each call is two element-wise operations. */
        @Override
        public UnaryOperator<NDArray> projectionAround(NDArray center, double epsilon, NDArray lower, NDArray upper) {
            NDArray low = center.sub(epsilon).maximum(lower);
            NDArray high = center.add(epsilon).minimum(upper);
            return candidate -> candidate.maximum(low).minimum(high);
        }

        /** Each coordinate uniform in {@code [-epsilon, epsilon]}: the cube is the L-infinity ball. */
        @Override
        void fillUniform(float[] v, int n, int d, double epsilon, SplittableRandom random) {
            for (int i = 0; i < v.length; i++) {
                v[i] = (float) ((random.nextDouble() * 2 - 1) * epsilon);
            }
        }

        @Override
        public Norm dual() {
            return L1;
        }
    },
    /** The Euclidean norm of the change. */
    L2("l2") {
        @Override
        public NDArray norms(NDArray delta) {
            return scoped(delta, d -> flat(d).square().sum(new int[] {1}).sqrt());
        }

        /** The gradient divided by its L2 norm (a zero gradient gives a zero step, not NaN). */
        @Override
        public NDArray steepestAscent(NDArray gradient) {
            return scoped(gradient, g -> g.div(broadcastable(norms(g), g).maximum(TINY)));
        }

        /** Radial scaling: {@code delta * min(1, epsilon / ||delta||_2)}. */
        @Override
        public NDArray projectToBall(NDArray delta, double epsilon) {
            return scoped(delta, d -> {
                NDArray n = broadcastable(norms(d), d);
                NDArray factor = n.maximum(TINY).pow(-1).mul(epsilon).minimum(1f);
                return d.mul(factor);
            });
        }

        /**
         * A Gaussian direction scaled to radius {@code epsilon * U^(1/d)}: the direction is uniform on
         * the sphere by the rotation invariance of the Gaussian, and the radius has the density
         * {@code d r^(d-1)} of the volume of a d-ball (Muller 1959).
         */
        @Override
        void fillUniform(float[] v, int n, int d, double epsilon, SplittableRandom random) {
            for (int i = 0; i < n; i++) {
                double sq = 0;
                double[] g = new double[d];
                for (int j = 0; j < d; j++) {
                    g[j] = gaussian(random);
                    sq += g[j] * g[j];
                }
                double radius = epsilon * Math.pow(random.nextDouble(), 1.0 / d) / Math.max(Math.sqrt(sq), 1e-12);
                for (int j = 0; j < d; j++) {
                    v[i * d + j] = (float) (g[j] * radius);
                }
            }
        }

        @Override
        public Norm dual() {
            return L2;
        }
    },
    /** The L1 norm: the summed absolute change, a budget that favours sparse perturbations. */
    L1("l1") {
        @Override
        public NDArray norms(NDArray delta) {
            return scoped(delta, d -> flat(d).abs().sum(new int[] {1}));
        }

        /**
         * The sparse steepest-ascent direction of SLIDE (Tramer &amp; Boneh 2019, "Adversarial Training
         * and Robustness for Multiple Perturbations"), also the step of APGD-L1 (Croce &amp; Hein 2021,
         * "Mind the box: l1-APGD for sparse adversarial attacks on image classifiers"): the sign of the
         * gradient on the coordinates whose absolute gradient is in the top {@link #L1_TOP_FRACTION}
         * of the example (at least one coordinate; ties at the threshold are all kept), zero
         * elsewhere, divided by the number of kept coordinates so that the direction has L1 norm 1.
         * The exact maximiser of a linear function over the L1 ball moves a single coordinate; such
         * steps make slow progress, which is why the literature spreads the step over the top few.
         */
        @Override
        public NDArray steepestAscent(NDArray gradient) {
            return scoped(gradient, g -> {
                NDArray a = flat(g).abs();
                int d = (int) a.getShape().get(1);
                int keep = Math.max(1, (int) Math.ceil(L1_TOP_FRACTION * d));
                // The keep-th largest absolute gradient of each example is its threshold.
                NDArray threshold = a.sort(1).get(new NDIndex(":, {}:{}", d - keep, d - keep + 1));
                NDArray selected = a.gte(threshold).toType(g.getDataType(), false);
                NDArray count = selected.sum(new int[] {1}, true);
                NDArray direction = flat(g).sign().mul(selected).div(count);
                return direction.reshape(g.getShape());
            });
        }

        /**
         * The exact Euclidean projection onto the L1 ball by the sort-based algorithm of Duchi,
         * Shalev-Shwartz, Singer &amp; Chandra 2008 ("Efficient Projections onto the l1-Ball for
         * Learning in High Dimensions", Figure 1): with {@code u} the absolute values sorted in
         * decreasing order, {@code rho = max{j : u_j - (sum_{r<=j} u_r - epsilon) / j > 0}} and
         * {@code theta = (sum_{r<=rho} u_r - epsilon) / rho}, the projection is
         * {@code sign(v) * max(|v| - theta, 0)}; points inside the ball ({@code theta <= 0}) are
         * returned unchanged. O(d log d) per example.
         */
        @Override
        public NDArray projectToBall(NDArray delta, double epsilon) {
            return scoped(delta, v -> {
                NDManager m = v.getManager();
                // In double precision: theta is a difference of sums of up to d values, and in float32
                // its rounding alone can push the result's norm measurably beyond epsilon. Computed in
                // double, only the final rounding of each value to float32 remains (relative 6e-8).
                NDArray flat = flat(v).toType(DataType.FLOAT64, false);
                NDArray a = flat.abs();
                int d = (int) a.getShape().get(1);
                NDArray sorted = a.sort(1).flip(1);
                NDArray cumulative = sorted.cumSum(1);
                NDArray j = m.arange(1, d + 1).toType(DataType.FLOAT64, false).reshape(1, d);
                NDArray positive = sorted.sub(cumulative.sub(epsilon).div(j)).gt(0);
                // rho: the largest j where the condition holds (at least 1, for epsilon 0).
                NDArray rho = j.mul(positive.toType(DataType.FLOAT64, false))
                        .max(new int[] {1}, true)
                        .maximum(1.0);
                NDArray atRho = cumulative
                        .mul(j.eq(rho).toType(DataType.FLOAT64, false))
                        .sum(new int[] {1}, true);
                NDArray theta = atRho.sub(epsilon).div(rho).maximum(0.0);
                return flat.sign()
                        .mul(a.sub(theta).maximum(0.0))
                        .toType(v.getDataType(), false)
                        .reshape(v.getShape());
            });
        }

        /**
         * The construction of Barthe, Guedon, Mendelson &amp; Naor 2005 ("A probabilistic approach to
         * the geometry of the l_p^n-ball"), Theorem 1 for p = 1: with {@code G} a vector of d
         * independent standard Laplace variables and {@code Z} an independent standard exponential,
         * {@code G / (||G||_1 + Z)} is uniform in the unit L1 ball; scaled by {@code epsilon}.
         */
        @Override
        void fillUniform(float[] v, int n, int d, double epsilon, SplittableRandom random) {
            double[] g = new double[d];
            for (int i = 0; i < n; i++) {
                double sum = 0;
                for (int j = 0; j < d; j++) {
                    double e = exponential(random);
                    g[j] = random.nextBoolean() ? e : -e;
                    sum += e;
                }
                double scale = epsilon / (sum + exponential(random));
                for (int j = 0; j < d; j++) {
                    v[i * d + j] = (float) (g[j] * scale);
                }
            }
        }

        @Override
        public Norm dual() {
            return LINF;
        }
    };

    /**
     * The share of coordinates that the L1 steepest-ascent direction moves: 1%, the 99th-percentile
     * setting of SLIDE's sparsity parameter q (Tramer &amp; Boneh 2019).
     */
    public static final double L1_TOP_FRACTION = 0.01;

    /** Guards divisions by a zero norm. */
    static final float TINY = 1e-12f;

    private final String id;

    Norm(String id) {
        this.id = id;
    }

    /** The name used on the command line and in results ({@code linf}, {@code l2}, {@code l1}). */
    @JsonValue
    public String id() {
        return id;
    }

    /** Per-example norms {@code [N]} of a batch of perturbations {@code [N, ...]}. */
    public abstract NDArray norms(NDArray delta);

    /**
     * A direction of (approximately) steepest ascent for a linear approximation with this
     * gradient, of unit norm in this norm, per example: the sign for L-infinity (Goodfellow et al.
     * 2015), the normalised gradient for L2, and a sparse sign step for L1 (see {@link #L1}). A
     * zero gradient gives a zero direction.
     */
    public abstract NDArray steepestAscent(NDArray gradient);

    /** The Euclidean projection of each example's perturbation onto the norm ball of radius {@code epsilon}. */
    public abstract NDArray projectToBall(NDArray delta, double epsilon);

    /**
     * The projection onto the intersection of the {@code epsilon} ball around {@code center} and
     * the input box {@code [lower, upper]} (arrays that broadcast against the batch, e.g. per
     * channel, see {@code InputSpec#lowerArray}), for iterative attacks: it maps a candidate batch to a
     * feasible one. Exact for L-infinity; for the other norms it projects onto the ball and then
     * clips to the box (the usual approximation of Madry et al. 2018's PGD, which is feasible but
     * not always the nearest feasible point). Arrays it precomputes belong to {@code center}'s
     * manager; its results to the candidate's.
     */
    public UnaryOperator<NDArray> projectionAround(NDArray center, double epsilon, NDArray lower, NDArray upper) {
        // Operands ordered so that every temporary is created in the candidate's scope.
        return candidate -> scoped(
                candidate,
                c -> projectToBall(c.sub(center), epsilon)
                        .add(center)
                        .maximum(lower)
                        .minimum(upper));
    }

    /**
     * The same projection for one interval {@code [lower, upper]} shared by every value; the two
     * bound arrays belong to {@code center}'s manager.
     */
    public UnaryOperator<NDArray> projectionAround(NDArray center, double epsilon, double lower, double upper) {
        NDManager m = center.getManager();
        return projectionAround(center, epsilon, m.create((float) lower), m.create((float) upper));
    }

    /**
     * A batch of perturbations shaped like {@code like}, each drawn uniformly from the ball of
     * radius {@code epsilon} (for random starts, Madry et al. 2018). Drawn on the host from
     * {@code random}, so a seeded attack is reproducible whatever the engine's global random
     * state; the result belongs to {@code like}'s manager.
     */
    public NDArray uniformInBall(NDArray like, double epsilon, SplittableRandom random) {
        Shape shape = like.getShape();
        int n = (int) shape.get(0);
        int d = (int) (shape.size() / Math.max(1, n));
        float[] v = new float[n * d];
        fillUniform(v, n, d, epsilon, random);
        return like.getManager().create(v, shape);
    }

    /** Fills {@code v}, {@code n} examples of {@code d} values, with uniform points of the ball. */
    abstract void fillUniform(float[] v, int n, int d, double epsilon, SplittableRandom random);

    /**
     * The dual norm, {@code ||g||_* = max over ||u|| <= 1 of <g, u>}: L1 for L-infinity, L-infinity
     * for L1, L2 for L2. The distance of a point to a hyperplane {@code <w, x> = b} in this norm is
     * {@code |<w, x> - b| / ||w||_*}, which is what DeepFool's linearised step uses.
     */
    public abstract Norm dual();

    /** The norm named {@code id}. */
    @JsonCreator
    public static Norm of(String id) {
        String k = id.toLowerCase(Locale.ROOT).replace("-", "");
        return switch (k) {
            case "linf", "inf", "l_inf" -> LINF;
            case "l2", "2" -> L2;
            case "l1", "1" -> L1;
            default -> throw new IllegalArgumentException("unknown norm '" + id + "'; choose linf, l2 or l1");
        };
    }

    static NDArray flat(NDArray x) {
        return x.reshape(x.getShape().get(0), -1);
    }

    /** Reshapes per-example values {@code [N]} to {@code [N, 1, 1, ...]} to broadcast against {@code like}. */
    static NDArray broadcastable(NDArray perExample, NDArray like) {
        return perExample.reshape(Tensors.perExampleShape(like));
    }

    /**
     * Applies {@code f} to {@code input} with every temporary in a sub-manager that is closed
     * before returning; the result (which must be a new array) moves to {@code input}'s manager.
     */
    static NDArray scoped(NDArray input, UnaryOperator<NDArray> f) {
        NDManager owner = input.getManager();
        try (NDManager scope = owner.newSubManager()) {
            input.tempAttach(scope);
            NDArray out = f.apply(input);
            out.attach(owner);
            return out;
        }
    }

    private static double gaussian(SplittableRandom r) {
        double u1 = r.nextDouble();
        double u2 = r.nextDouble();
        return Math.sqrt(-2 * Math.log(Math.max(u1, Double.MIN_VALUE))) * Math.cos(2 * Math.PI * u2);
    }

    private static double exponential(SplittableRandom r) {
        return -Math.log(1 - r.nextDouble()); // 1 - U is in (0, 1], so the log is finite
    }
}
