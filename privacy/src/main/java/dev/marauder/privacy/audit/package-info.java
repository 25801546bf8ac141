/**
 * Empirical privacy audits of a training algorithm: {@link dev.marauder.privacy.audit.CanaryAudit}
 * trains once with many canaries, each included with probability 1/2, and turns how well their
 * losses reveal inclusion into an epsilon lower bound with the one-run audit of Steinke, Nasr and
 * Jagielski 2023 ({@link dev.marauder.stats.dp.OneRunAudit}), to set beside the accountant's upper
 * bound.
 */
package dev.marauder.privacy.audit;
