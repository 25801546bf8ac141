/**
 * Unintended memorization of secrets by generative sequence models: the exposure metric and
 * secret extraction of Carlini, Liu, Erlingsson, Kos and Song 2019 ("The Secret Sharer:
 * Evaluating and Testing Unintended Memorization in Neural Networks", USENIX Security 2019).
 *
 * <p>A canary, a random secret in a fixed format ({@link dev.marauder.attacks.inference.memorization.CanaryFormat},
 * e.g. {@code "my pin is "} and six random digits), is inserted into the training text; after
 * training, its exposure measures how much more likely the model finds it than the other
 * possible secrets.
 *
 * <ul>
 *   <li>{@link dev.marauder.attacks.inference.memorization.Exposure}: exact exposure from the ranks of all
 *       candidates, and extrapolated exposure from a {@link dev.marauder.stats.SkewNormal}
 *       fitted to a sample of them.</li>
 *   <li>{@link dev.marauder.stats.SkewNormal} and
 *       {@link dev.marauder.stats.OwensT}: the distribution, its fits (maximum
 *       likelihood, moments) and its distribution function, accurate far into the lower tail.</li>
 *   <li>{@link dev.marauder.attacks.inference.memorization.SecretExtraction}: best-first search for the most
 *       likely secrets through a batched {@link dev.marauder.attacks.inference.memorization.SequenceScorer},
 *       within a budget of model queries.</li>
 * </ul>
 *
 * <p>Pure math, plain Java on doubles: nothing here touches tensors or an engine. A language
 * model enters only as a {@code SequenceScorer} implemented elsewhere.
 */
package dev.marauder.attacks.inference.memorization;
