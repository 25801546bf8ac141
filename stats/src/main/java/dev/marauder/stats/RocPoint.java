package dev.marauder.stats;

/**
 * One point of a membership ROC curve: the rule "member when score &gt;= threshold" and its rates.
 *
 * @param threshold the smallest score flagged as a member; {@code +Infinity} for the point
 *     (0, 0), which flags nothing (scores are finite)
 * @param falsePositiveRate the fraction of non-members flagged, in [0, 1]
 * @param truePositiveRate the fraction of members flagged, in [0, 1]
 */
public record RocPoint(double threshold, double falsePositiveRate, double truePositiveRate) {}
