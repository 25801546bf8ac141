package dev.marauder.attacks.inference.membership;

import java.nio.file.Path;

/**
 * The entry point of a shadow-model worker JVM, and nothing else: {@link ShadowWorkers} starts
 * one process per worker with this class as main and its job file as the only argument. The work
 * itself is {@link ShadowWorkers#work}.
 *
 * <p>This is the one class of the library that writes to {@code System.err} and calls {@code
 * System.exit} (ArchitectureTest names it as the exception). Both are its contract with the
 * parent process, not logging: the parent redirects the worker's output to a log file and, when
 * the exit status is not 0, reports the last line of that file as the reason. The explicit exit
 * ends the JVM even if the engine left non-daemon threads running, and gives the parent the status
 * it reads. Nothing else calls {@link #main}, so it never ends a user's JVM.
 */
final class ShadowWorkerProcess {

    private ShadowWorkerProcess() {}

    /**
     * Runs one worker's job; exits with 0 when all its shadows are saved, else prints one line
     * naming the error and exits with 1.
     *
     * @param args the job file
     */
    public static void main(String[] args) {
        int status;
        try {
            if (args.length != 1) {
                throw new IllegalArgumentException("usage: ShadowWorkerProcess JOB_FILE");
            }
            ShadowWorkers.work(Path.of(args[0]), System.err::println);
            status = 0;
        } catch (Exception e) {
            System.err.println(e.getClass().getSimpleName() + ": " + e.getMessage());
            status = 1;
        }
        System.exit(status);
    }
}
