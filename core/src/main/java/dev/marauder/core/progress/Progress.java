package dev.marauder.core.progress;

/**
 * Where long-running library work reports how far it has got. The command line shows it as a
 * progress bar on stderr; library users can ignore it ({@link #NONE}) or log it.
 */
public interface Progress {

    /** Reports nothing. */
    Progress NONE = new Progress() {
        @Override
        public Task start(String name, long total) {
            return Task.NONE;
        }
    };

    /** Starts a task of {@code total} units (examples, steps). Close the task when done. */
    Task start(String name, long total);

    /** One task in progress. */
    interface Task extends AutoCloseable {
        /** Does nothing. */
        Task NONE = new Task() {
            @Override
            public void advance(long units) {}

            @Override
            public void status(String text) {}

            @Override
            public void close() {}
        };

        /** {@code units} more done. */
        void advance(long units);

        /** A short status text shown beside the bar (e.g. current loss or epsilon spent). */
        void status(String text);

        @Override
        void close();
    }
}
