/**
 * Membership inference, the pure-math part: scores from a model's predictions, the attacks that
 * calibrate them with shadow models, and the metrics that evaluate any attack from its scores on
 * known members and non-members. Plain Java on {@code double} and {@code float} arrays: no
 * tensors, no engine; running the target and shadow models is left to the caller. Every score is
 * oriented so that higher means "more likely a member".
 *
 * <ul>
 *   <li>{@link dev.marauder.attacks.inference.membership.ClassProbabilities}: a batch of predictions,
 *       explicitly from logits or from probabilities, kept as log-probabilities.</li>
 *   <li>{@link dev.marauder.attacks.inference.membership.ThresholdScores}: the loss (Yeom et al. 2018),
 *       confidence, entropy and modified entropy (Song and Mittal 2021) scores, and LiRA's
 *       logit-scaled confidence.</li>
 *   <li>{@link dev.marauder.attacks.inference.membership.Lira}: the likelihood ratio attack of Carlini et
 *       al. 2022, online and offline, with per-example or global variance.</li>
 *   <li>{@link dev.marauder.attacks.inference.membership.ShadowModelAttack}: the shadow-model attack of
 *       Shokri et al. 2017, one logistic-regression attack model per class (Tribuo).</li>
 *   <li>{@link dev.marauder.stats.RocCurve} and
 *       {@link dev.marauder.attacks.inference.membership.MembershipMetrics}: ROC AUC, balanced accuracy,
 *       TPR at low FPR, an epsilon lower bound through
 *       {@link dev.marauder.stats.dp.MembershipAudit}, and the ROC thinned for charts.</li>
 * </ul>
 */
package dev.marauder.attacks.inference.membership;
