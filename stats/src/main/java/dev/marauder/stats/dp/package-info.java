/**
 * Hypothesis-testing bounds on differential privacy: how an attack's success counts become an
 * epsilon lower bound with stated confidence. Where an accountant gives the epsilon a run can at
 * most have spent, these give an epsilon it has at least; a lower bound above the accountant's
 * upper bound reveals a bug in the implementation or the analysis.
 *
 * <ul>
 *   <li>{@link dev.marauder.stats.dp.OneRunAudit}: the one-run audit of Steinke, Nasr and
 *       Jagielski 2023 ("Privacy Auditing with One (1) Training Run", NeurIPS 2023): many
 *       canaries, each included with probability 1/2, one training run; the bound from the
 *       number of correct guesses, for pure and approximate DP, and the best of several guess
 *       splits with a Bonferroni correction. Results are {@link dev.marauder.stats.dp.AuditBound}s.</li>
 *   <li>{@link dev.marauder.stats.dp.MembershipAudit}: the classic bound from the true and false
 *       positives of a test over independent trials, with Clopper-Pearson intervals (Jagielski,
 *       Ullman and Oprea 2020; Nasr et al. 2021). Results are
 *       {@link dev.marauder.stats.dp.MembershipBound}s.</li>
 * </ul>
 *
 * <p>Pure statistics on counts and doubles, shared by the membership-inference attacks (which
 * report the bound their success implies) and the privacy module's canary audits.
 */
package dev.marauder.stats.dp;
