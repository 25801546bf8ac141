/**
 * Engine-free mathematics shared by every module: plain Java on doubles, no tensor or engine
 * import (an ArchUnit rule keeps it so).
 *
 * <ul>
 *   <li>{@link dev.marauder.stats.StandardNormal}: the standard normal density, distribution
 *       function, complement, logarithms and {@code erfc}, accurate in both tails beyond the range
 *       of doubles (used by the accounting, the LiRA test and the exposure metric).</li>
 *   <li>{@link dev.marauder.stats.IncompleteBeta} and {@link dev.marauder.stats.ClopperPearson}:
 *       exact binomial confidence bounds.</li>
 *   <li>{@link dev.marauder.stats.OwensT}, {@link dev.marauder.stats.SkewNormal},
 *       {@link dev.marauder.stats.GaussLegendre}: the skew-normal fit of the exposure metric.</li>
 *   <li>{@link dev.marauder.stats.RocCurve}: ROC curves, AUC and TPR at a fixed FPR.</li>
 *   <li>{@link dev.marauder.stats.Fft}: the FFT behind PLD composition.</li>
 *   <li>{@link dev.marauder.stats.Require}: the argument checks shared by all modules.</li>
 * </ul>
 */
package dev.marauder.stats;
