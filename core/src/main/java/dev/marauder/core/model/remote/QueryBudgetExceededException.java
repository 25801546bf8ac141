package dev.marauder.core.model.remote;

/**
 * A batch of queries was refused before it was sent because it would take the number of examples
 * sent to a remote model beyond its query budget ({@link RemoteSettings#maxQueries()}). Nothing
 * of the refused batch reaches the server.
 */
public final class QueryBudgetExceededException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final long budget;
    private final long used;
    private final long requested;

    /**
     * @param budget the query budget
     * @param used examples already sent
     * @param requested examples in the refused batch
     * @param url the model's URL, for the message
     */
    public QueryBudgetExceededException(long budget, long used, long requested, String url) {
        super("query budget exhausted for " + url + ": " + used + " of " + budget + " queries used, and " + requested
                + " more would exceed it (--query-budget)");
        this.budget = budget;
        this.used = used;
        this.requested = requested;
    }

    /** The query budget. */
    public long budget() {
        return budget;
    }

    /** Examples sent before the refused batch. */
    public long used() {
        return used;
    }

    /** Examples in the refused batch. */
    public long requested() {
        return requested;
    }
}
