package dev.marauder.cli;

import dev.marauder.core.io.DataFormatException;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code marauder} command line. {@link #execute(PrintWriter, PrintWriter, String...)} returns
 * the exit code and never calls {@link System#exit}, so commands are testable with captured
 * output. Exit codes: 0 success, 1 failure (including unusable input files), 2 usage error.
 */
@Command(
        name = "marauder",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description = "Security and privacy audits of machine-learning models.",
        subcommands = {
            TrainCommand.class,
            EvalCommand.class,
            AttackCommand.class,
            MiaCommand.class,
            InvertCommand.class,
            AttributeCommand.class,
            ExtractCommand.class,
            ExposureCommand.class,
            AuditCommand.class,
            BenchCommand.class,
            PrivacyCommand.class,
            ServeCommand.class,
            GatewayCommand.class,
            AuditLogCommand.class,
            DefendCommand.class,
            CertifyCommand.class,
            DknnCommand.class
        })
public final class Main implements Runnable {
    /** Exit code of a failure. */
    public static final int FAILURE = 1;
    /** Exit code of a usage error. */
    public static final int USAGE = 2;
    /** Exit code of {@code audit --fail-on}: a finding at or above the level (after every output is written). */
    public static final int FINDINGS = 3;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(
                spec.commandLine(),
                "a command is required (train, eval, attack, mia, invert, attribute, extract, audit, bench, privacy,"
                        + " exposure, serve, gateway, audit-log, defend, certify, dknn)");
    }

    /**
     * The system property naming the file that receives the command's standard output, set by the
     * {@code marauder} launcher. Native code inside a model (a TorchScript {@code print()}, ONNX
     * Runtime's logging) writes to the process's file descriptor 1, which Java cannot redirect;
     * the launcher therefore points descriptor 1 at standard error and hands the real standard
     * output to Java as {@code /dev/fd/3}, so that {@code --json} output stays pure JSON.
     */
    static final String STDOUT_PROPERTY = "marauder.stdout";

    /** Entry point of the launcher. */
    public static void main(String[] args) {
        OutputStream stdout = System.out;
        String target = System.getProperty(STDOUT_PROPERTY);
        if (target != null && !target.isEmpty()) {
            try {
                // append: on a terminal or pipe it changes nothing; on a file it never truncates what the shell opened
                stdout = new FileOutputStream(target, true);
            } catch (IOException e) {
                System.err.println("marauder: cannot open standard output " + target + " (" + e.getMessage() + ")");
                System.exit(FAILURE);
            }
        }
        // UTF-8 on every platform, as the JSON files are (Java 17's default charset is the platform's)
        PrintWriter out = new PrintWriter(new OutputStreamWriter(stdout, StandardCharsets.UTF_8), true);
        int code =
                execute(out, new PrintWriter(new OutputStreamWriter(System.err, StandardCharsets.UTF_8), true), args);
        out.flush();
        System.exit(code);
    }

    /** Runs the command line with {@code args}, writing to {@code out} and {@code err}. */
    public static int execute(PrintWriter out, PrintWriter err, String... args) {
        if (System.getProperty("ai.djl.offline") == null) {
            System.setProperty("ai.djl.offline", "true");
        }
        if (args.length >= 2 && "attack".equals(args[0]) && "transfer".equals(args[1])) {
            // its own command line: as a subcommand picocli would also demand attack's required
            // ATTACK, --model and --data
            CommandLine transfer = new CommandLine(new TransferCommand()).setCommandName("marauder attack transfer");
            return configure(transfer, out, err).execute(java.util.Arrays.copyOfRange(args, 2, args.length));
        }
        return configure(new CommandLine(new Main()), out, err).execute(args);
    }

    /** The output streams, error handlers and checks every command line shares. */
    private static CommandLine configure(CommandLine cl, PrintWriter out, PrintWriter err) {
        cl.setOut(out);
        cl.setErr(err);
        cl.setCaseInsensitiveEnumValuesAllowed(true);
        cl.setParameterExceptionHandler((ex, a) -> {
            err.println("marauder: " + ex.getMessage());
            CommandLine.UnmatchedArgumentException.printSuggestions(ex, err);
            err.println(
                    "Try '" + ex.getCommandLine().getCommandSpec().qualifiedName() + " --help' for more information.");
            return USAGE;
        });
        cl.setExecutionExceptionHandler((ex, commandLine, parseResult) -> {
            if (ex instanceof UsageException) {
                err.println("marauder: " + oneLine(ex));
                return USAGE;
            }
            // Options are checked, and turned into UsageException, where they are read; an
            // IllegalArgumentException from deeper down is about the input files or the model
            // (a shape, a class count), which the user fixes in the input, not in the command line.
            if (ex instanceof DataFormatException
                    || ex instanceof IllegalArgumentException
                    || ex instanceof UncheckedIOException
                    || ex instanceof dev.marauder.core.io.RefusedOutputException
                    || ex instanceof dev.marauder.core.model.remote.RemoteModelException
                    || ex instanceof dev.marauder.core.model.remote.QueryBudgetExceededException) {
                err.println("marauder: error: " + oneLine(ex));
                if (Boolean.getBoolean("marauder.stacktrace")) {
                    ex.printStackTrace(err);
                }
                return FAILURE;
            }
            err.println("marauder: error: " + oneLine(ex) + " (" + ex.getClass().getSimpleName() + ")");
            if (Boolean.getBoolean("marauder.stacktrace")) {
                ex.printStackTrace(err);
            }
            return FAILURE;
        });
        cl.setExecutionStrategy(parseResult -> {
            checkOutputs(parseResult);
            return new CommandLine.RunLast().execute(parseResult);
        });
        return cl;
    }

    /**
     * Before a command runs: no option is NaN, and its {@code --out} is writable and none of its
     * inputs, so that no work is wasted and nothing the user gave is overwritten.
     */
    private static final java.util.Set<String> OUTPUT_FILE_OPTIONS = java.util.Set.of("--out", "--sarif", "--junit");

    private static void checkOutputs(CommandLine.ParseResult parseResult) {
        CommandLine.ParseResult leaf = parseResult;
        while (leaf.hasSubcommand()) {
            leaf = leaf.subcommand();
        }
        java.util.List<java.nio.file.Path> inputs = new java.util.ArrayList<>();
        for (CommandLine.Model.OptionSpec option : leaf.matchedOptions()) {
            Object value = option.getValue();
            boolean nan = value instanceof Double d && d.isNaN()
                    || value instanceof Float f && f.isNaN()
                    || value instanceof double[] ds
                            && java.util.Arrays.stream(ds).anyMatch(Double::isNaN);
            if (nan) {
                // NaN would silently read as "not given" in the settings objects
                throw new CommandLine.ParameterException(
                        leaf.commandSpec().commandLine(), option.longestName() + " must be a number, got NaN");
            }
            // the files a command writes are checked as outputs (audit checks --sarif and --junit itself)
            if (OUTPUT_FILE_OPTIONS.contains(option.longestName())) {
                continue;
            }
            if (value instanceof java.nio.file.Path p) {
                inputs.add(p);
            } else if (value instanceof String text && !text.isBlank()) {
                for (String part : text.split(",")) {
                    try {
                        java.nio.file.Path p = java.nio.file.Path.of(part.strip());
                        if (java.nio.file.Files.exists(p)) {
                            inputs.add(p);
                        }
                    } catch (java.nio.file.InvalidPathException e) {
                        // not a path: a name or a number
                    }
                }
            }
        }
        for (CommandLine.Model.CommandSpec mixin : leaf.commandSpec().mixins().values()) {
            if (mixin.userObject() instanceof OutputOptions output) {
                try {
                    output.checkWritable(inputs);
                } catch (RuntimeException e) {
                    throw new CommandLine.ExecutionException(leaf.commandSpec().commandLine(), e.getMessage(), e);
                }
            }
        }
    }

    static String oneLine(Throwable ex) {
        return dev.marauder.core.io.Messages.firstLine(ex);
    }
}
