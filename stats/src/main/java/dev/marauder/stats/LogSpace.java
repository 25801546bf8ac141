package dev.marauder.stats;

/**
 * Sums of exponentials kept in log space, the one copy of these shared by the accountants, the
 * privacy audits and the membership scores: {@code log(e^a + e^b)} and {@code log sum exp} of a
 * row, computed as {@code max + log1p(...)} so that a sum dominated by one term keeps the digits
 * of the others and nothing overflows.
 */
public final class LogSpace {
    private LogSpace() {}

    /** {@code log(exp(a) + exp(b))}; {@code -infinity} terms contribute nothing. */
    public static double add(double a, double b) {
        double hi = Math.max(a, b);
        double lo = Math.min(a, b);
        if (lo == Double.NEGATIVE_INFINITY) {
            return hi;
        }
        return hi + Math.log1p(Math.exp(lo - hi));
    }

    /** {@code log sum_j exp(row[j])}. */
    public static double sum(double[] row) {
        return sumExcept(row, -1);
    }

    /**
     * {@code log sum_{j != skip} exp(row[j])} ({@code skip = -1} sums every entry), as
     * {@code max + log1p(sum of the others' exp(row[j] - max))}.
     */
    public static double sumExcept(double[] row, int skip) {
        int top = largestExcept(row, skip);
        if (top < 0 || row[top] == Double.NEGATIVE_INFINITY) {
            return Double.NEGATIVE_INFINITY;
        }
        return row[top] + Math.log1p(sumExpBelowTop(row, skip, top));
    }

    /**
     * The log-softmax of {@code logits}: {@code (z_c - max) - log1p(sum_{j != argmax} exp(z_j - max))},
     * which keeps the digits of {@code log p} for the top class even when it rounds to 0 in other
     * forms.
     */
    public static double[] logSoftmax(double[] logits) {
        int top = largestExcept(logits, -1);
        double logRest = Math.log1p(sumExpBelowTop(logits, -1, top));
        double[] out = new double[logits.length];
        for (int c = 0; c < logits.length; c++) {
            out[c] = (logits[c] - logits[top]) - logRest;
        }
        return out;
    }

    private static int largestExcept(double[] row, int skip) {
        int top = -1;
        for (int j = 0; j < row.length; j++) {
            if (j != skip && (top < 0 || row[j] > row[top])) {
                top = j;
            }
        }
        return top;
    }

    private static double sumExpBelowTop(double[] row, int skip, int top) {
        double sum = 0;
        for (int j = 0; j < row.length; j++) {
            if (j != skip && j != top) {
                sum += Math.exp(row[j] - row[top]);
            }
        }
        return sum;
    }
}
