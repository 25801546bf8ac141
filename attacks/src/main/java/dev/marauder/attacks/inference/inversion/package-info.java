/**
 * Model inversion: recovering what a model learned about its training data from its answers.
 *
 * <ul>
 *   <li>{@link dev.marauder.attacks.inference.inversion.MiFace}: reconstructs a representative input of a
 *       class by gradient descent on {@code 1 - p_class(x)} (Fredrikson, Jha &amp; Ristenpart 2015,
 *       Algorithm 1), white-box with exact gradients or black-box with gradients estimated from
 *       queries (NES, Ilyas et al. 2018).</li>
 *   <li>{@link dev.marauder.attacks.inference.inversion.MapAttributeInference}: infers a hidden sensitive
 *       attribute of a row from the model's output on it and the attribute's marginal prior, the
 *       maximum a posteriori estimator of Fredrikson et al. 2014 and 2015, evaluated separately on
 *       training members and non-members.</li>
 * </ul>
 *
 * <p>Both are immutable settings objects with builders; the model is passed at call time and the
 * access an attack needs is in its type ({@code MiFace<DifferentiableClassifier>} or
 * {@code MiFace<Classifier>}). Results carry the queries spent and provenance.
 */
package dev.marauder.attacks.inference.inversion;
