/**
 * Empirical privacy auditing: statistical lower bounds on the epsilon of a training algorithm
 * from how well an attack tells included canaries from excluded ones. Where an accountant
 * ({@code dev.marauder.privacy.accounting}) gives the epsilon a run can at most have spent, an
 * audit gives, with stated confidence, an epsilon it has at least; a lower bound above the
 * accountant's upper bound reveals a bug in the implementation or the analysis.
 *
 * <ul>
 *   <li>{@link dev.marauder.privacy.audit.OneRunAudit}: the one-run audit of Steinke, Nasr and
 *       Jagielski 2023 ("Privacy Auditing with One (1) Training Run", NeurIPS 2023): many
 *       canaries, each included with probability 1/2, one training run; the bound from the
 *       number of correct guesses, for pure and approximate DP, and the best of several guess
 *       splits with a Bonferroni correction. Results are
 *       {@link dev.marauder.privacy.audit.AuditBound}s.</li>
 *   <li>{@link dev.marauder.privacy.audit.MembershipAudit}: the classic bound from the true and
 *       false positives of a test over independent trials, with Clopper-Pearson intervals
 *       (Jagielski, Ullman and Oprea 2020; Nasr et al. 2021). Results are
 *       {@link dev.marauder.privacy.audit.MembershipBound}s.</li>
 *   <li>{@link dev.marauder.privacy.audit.ClopperPearson}: exact binomial confidence bounds,
 *       from the regularized incomplete beta function and its inverse, written here (no
 *       dependency) and checked against 40-digit mpmath values.</li>
 * </ul>
 *
 * <p>Pure statistics, plain Java on doubles: nothing here touches tensors or an engine. The
 * attacks that produce the scores live elsewhere; these classes take counts or scores.
 */
package dev.marauder.privacy.audit;
