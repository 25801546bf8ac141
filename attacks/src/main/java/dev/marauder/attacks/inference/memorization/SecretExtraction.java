package dev.marauder.attacks.inference.memorization;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.OptionalLong;
import java.util.PriorityQueue;

/**
 * Extracts secrets from a language model by search: the completions of a canary's prefix in
 * order of the model's likelihood, without enumerating the whole space (Carlini, Liu,
 * Erlingsson, Kos and Song 2019, "The Secret Sharer: Evaluating and Testing Unintended
 * Memorization in Neural Networks", USENIX Security 2019, the extraction by shortest-path search).
 *
 * <p>Threat model: black-box, untargeted as to the secret; the attacker knows the format (prefix,
 * number of slots, slot alphabet) and can query the model's next-symbol probabilities
 * ({@link SequenceScorer}).
 *
 * <p>The search is Dijkstra's algorithm on the tree of partial secrets, with edge weight
 * {@code -log Pr(next symbol | prefix)}, which is never negative: a frontier of partial secrets
 * ordered by their total weight, the least first. When the least is a whole secret, no other can
 * be more likely, so whole secrets come out in order of decreasing probability (ties in the order
 * the search met them). To keep an engine busy, up to {@code batchSize} of the least partial
 * secrets are expanded with one scorer call; this may score a few prefixes pure best-first would
 * not yet have scored, never changing the order.
 *
 * <p>Settings (immutable):
 *
 * @param completions how many of the most likely secrets to return, at least 1
 * @param budget the most prefixes the scorer is asked about in all (each is one next-symbol
 *     distribution, about one model query); the search stops when it is spent
 * @param batchSize the most prefixes per scorer call, at least 1
 */
public record SecretExtraction(int completions, long budget, int batchSize) {
    /** The default {@link #batchSize}. */
    public static final int DEFAULT_BATCH_SIZE = 256;
    /**
     * Log-probabilities up to this far above 0 (rounding in a model's log-softmax) are read as 0;
     * larger ones are errors.
     */
    public static final double LOG_PROBABILITY_SLACK = 1e-6;

    /**
     * @throws IllegalArgumentException if a setting is below 1
     */
    public SecretExtraction {
        if (completions < 1) {
            throw new IllegalArgumentException("completions must be >= 1, got " + completions);
        }
        if (budget < 1) {
            throw new IllegalArgumentException("budget (prefixes to score) must be >= 1, got " + budget);
        }
        if (batchSize < 1) {
            throw new IllegalArgumentException("batch size must be >= 1, got " + batchSize);
        }
    }

    /** Settings with the default batch size. */
    public SecretExtraction(int completions, long budget) {
        this(completions, budget, DEFAULT_BATCH_SIZE);
    }

    /**
     * A whole secret the search found.
     *
     * @param secret the secret's symbols
     * @param index its index in the format ({@link CanaryFormat#index})
     * @param logProbability the sum of its symbols' log-probabilities given the prefix, i.e. minus
     *     its log-perplexity
     */
    public record Completion(String secret, long index, double logProbability) {}

    /**
     * What a search found.
     *
     * @param completions the most likely secrets, most likely first, at most
     *     {@link SecretExtraction#completions()} of them
     * @param secretRank the 1-based position of the true secret in the search's order, if it was
     *     given and found within the budget (it may be past the returned completions: the search
     *     goes on until it is found or the budget is spent)
     * @param scorerCalls calls of {@link SequenceScorer#nextLogProbabilities}
     * @param prefixesScored prefixes scored in all, at most the budget
     * @param budgetExhausted whether the search stopped because the budget was spent
     */
    public record Result(
            List<Completion> completions,
            OptionalLong secretRank,
            long scorerCalls,
            long prefixesScored,
            boolean budgetExhausted) {
        /** Copies the list, so that the record is immutable. */
        public Result {
            completions = List.copyOf(completions);
        }
    }

    /** Searches without a true secret to look for: {@link Result#secretRank()} is empty. */
    public Result run(CanaryFormat format, SequenceScorer scorer) {
        return search(format, scorer, -1);
    }

    /**
     * Searches, and reports the rank at which {@code trueSecret} was found.
     *
     * @throws IllegalArgumentException if {@code trueSecret} does not fit the format
     * @throws IllegalStateException if the scorer returns rows of the wrong shape, NaN, or
     *     log-probabilities above 0
     */
    public Result run(CanaryFormat format, SequenceScorer scorer, String trueSecret) {
        return search(format, scorer, format.index(Objects.requireNonNull(trueSecret, "trueSecret")));
    }

    private static final class Node {
        final Node parent;
        final int symbol;
        final int depth;
        final double cost;
        final long order;

        Node(Node parent, int symbol, double cost, long order) {
            this.parent = parent;
            this.symbol = symbol;
            this.depth = parent == null ? 0 : parent.depth + 1;
            this.cost = cost;
            this.order = order;
        }

        int[] symbols() {
            int[] s = new int[depth];
            for (Node n = this; n.parent != null; n = n.parent) {
                s[n.depth - 1] = n.symbol;
            }
            return s;
        }
    }

    private Result search(CanaryFormat format, SequenceScorer scorer, long trueIndex) {
        Objects.requireNonNull(scorer, "scorer");
        int slots = format.slots();
        PriorityQueue<Node> frontier = new PriorityQueue<>(
                (a, b) -> a.cost != b.cost ? Double.compare(a.cost, b.cost) : Long.compare(a.order, b.order));
        long created = 0;
        frontier.add(new Node(null, -1, 0, created++));
        List<Completion> found = new ArrayList<>();
        long emitted = 0;
        OptionalLong secretRank = OptionalLong.empty();
        long calls = 0;
        long scored = 0;
        boolean budgetExhausted = false;
        while (true) {
            while (!frontier.isEmpty() && frontier.peek().depth == slots) {
                Node leaf = frontier.poll();
                emitted++;
                String secret = format.secret(leaf.symbols());
                long index = format.index(secret);
                if (found.size() < completions) {
                    found.add(new Completion(secret, index, -leaf.cost));
                }
                if (index == trueIndex) {
                    secretRank = OptionalLong.of(emitted);
                }
            }
            boolean enough = found.size() >= completions && (trueIndex < 0 || secretRank.isPresent());
            if (enough || frontier.isEmpty()) {
                break;
            }
            if (scored >= budget) {
                budgetExhausted = true;
                break;
            }
            long room = Math.min(batchSize, budget - scored);
            List<Node> batch = new ArrayList<>();
            while (batch.size() < room && !frontier.isEmpty() && frontier.peek().depth < slots) {
                batch.add(frontier.poll());
            }
            List<int[]> prefixes = new ArrayList<>(batch.size());
            for (Node n : batch) {
                prefixes.add(n.symbols());
            }
            double[][] rows = scorer.nextLogProbabilities(List.copyOf(prefixes));
            calls++;
            scored += batch.size();
            check(format, prefixes, rows);
            for (int b = 0; b < batch.size(); b++) {
                Node parent = batch.get(b);
                for (int k = 0; k < rows[b].length; k++) {
                    double logP = Math.min(0, rows[b][k]);
                    if (logP == Double.NEGATIVE_INFINITY) {
                        continue; // impossible: never a completion
                    }
                    frontier.add(new Node(parent, k, parent.cost - logP, created++));
                }
            }
        }
        return new Result(found, secretRank, calls, scored, budgetExhausted);
    }

    private static void check(CanaryFormat format, List<int[]> prefixes, double[][] rows) {
        if (rows == null || rows.length != prefixes.size()) {
            throw new IllegalStateException("scorer returned " + (rows == null ? "null" : rows.length + " rows")
                    + " for " + prefixes.size() + " prefixes");
        }
        int symbols = format.alphabet().length();
        for (int b = 0; b < rows.length; b++) {
            if (rows[b] == null || rows[b].length != symbols) {
                throw new IllegalStateException(
                        "scorer returned " + (rows[b] == null ? "no row" : rows[b].length + " log-probabilities")
                                + " for prefix \"" + format.secret(prefixes.get(b)) + "\"; the slot"
                                + " alphabet has " + symbols + " symbols");
            }
            for (int k = 0; k < symbols; k++) {
                double v = rows[b][k];
                if (Double.isNaN(v) || v > LOG_PROBABILITY_SLACK) {
                    throw new IllegalStateException("scorer returned log-probability " + v + " for '"
                            + format.alphabet().charAt(k) + "' after prefix \"" + format.secret(prefixes.get(b))
                            + "\"; log-probabilities must be <= 0");
                }
            }
        }
    }

    /**
     * The log-probability of every secret of the space, by index ({@link CanaryFormat#index}):
     * the sum of its symbols' log-probabilities, from a level-by-level walk of the whole tree of
     * partial secrets, in scorer calls of up to {@code batchSize} prefixes
     * ({@code (|A|^slots - 1) / (|A| - 1)} prefixes in all, regardless of the budget). Minus these
     * values are the log-perplexities for {@link Exposure#exact}.
     *
     * @throws IllegalArgumentException if the space has more than {@code 2^31 - 9} secrets
     * @throws IllegalStateException if the scorer misbehaves, as in {@link #run}
     */
    public double[] logProbabilities(CanaryFormat format, SequenceScorer scorer) {
        long space = format.space();
        if (space > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("the space of " + space + " secrets is too large to enumerate (at most "
                    + (Integer.MAX_VALUE - 8) + ")");
        }
        int a = format.alphabet().length();
        double[] level = {0}; // log-probabilities of the partial secrets of the current depth, by index
        for (int depth = 0; depth < format.slots(); depth++) {
            double[] next = new double[level.length * a];
            for (int start = 0; start < level.length; start += batchSize) {
                int end = (int) Math.min(level.length, (long) start + batchSize);
                List<int[]> prefixes = new ArrayList<>(end - start);
                for (int i = start; i < end; i++) {
                    prefixes.add(digits(i, depth, a));
                }
                double[][] rows = scorer.nextLogProbabilities(List.copyOf(prefixes));
                check(format, prefixes, rows);
                for (int i = start; i < end; i++) {
                    for (int k = 0; k < a; k++) {
                        next[i * a + k] = level[i] + Math.min(0, rows[i - start][k]);
                    }
                }
            }
            level = next;
        }
        return level;
    }

    /** The base-{@code a} digits of {@code index}, {@code depth} of them, most significant first. */
    private static int[] digits(long index, int depth, int a) {
        int[] d = new int[depth];
        for (int i = depth - 1; i >= 0; i--) {
            d[i] = (int) (index % a);
            index /= a;
        }
        return d;
    }

    @Override
    public String toString() {
        return "SecretExtraction[completions=" + completions + ", budget=" + budget + ", batchSize=" + batchSize + "]";
    }
}
