/**
 * Model extraction (Tramer, Zhang, Juels, Reiter &amp; Ristenpart 2016, "Stealing Machine Learning
 * Models via Prediction APIs", USENIX Security): an adversary with black-box query access builds a
 * model that predicts like the target. Equation-solving extraction of logistic regression from
 * confidence scores ({@link EquationSolvingExtraction}), learning-based extraction of any built-in
 * architecture from confidences or labels, with uniform or adaptive queries
 * ({@link LearningExtraction}), and path-finding extraction of decision trees from an API that
 * names the leaf of each prediction ({@link PathFindingExtraction}); {@link Fidelity} measures how
 * often the stolen model agrees with the target.
 */
package dev.marauder.attacks.extraction;
