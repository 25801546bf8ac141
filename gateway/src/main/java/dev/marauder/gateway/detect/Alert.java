package dev.marauder.gateway.detect;

/**
 * A detector's verdict that a principal's query stream looks like an attack.
 *
 * @param detector the detector's {@link QueryStreamDetector#id}
 * @param principal the principal whose stream raised it
 * @param query the 1-based index of the principal's query that raised it
 * @param statistic the detector's statistic at that query (PRADA: Shapiro-Wilk W; stateful: the
 *     mean k-nearest-neighbour distance)
 * @param threshold the threshold the statistic fell below
 * @param reason a one-line human sentence
 */
public record Alert(String detector, String principal, long query, double statistic, double threshold, String reason) {}
