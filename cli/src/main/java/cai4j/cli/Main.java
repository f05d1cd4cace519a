package cai4j.cli;

import cai4j.FileProblem;
import cai4j.InputError;
import cai4j.model.ModelException;
import cai4j.model.Redaction;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(
        name = "cai4j",
        mixinStandardHelpOptions = true,
        versionProvider = Main.Version.class,
        description = "Constitutional AI for the JVM: compile a constitution, evaluate a model against it, generate training data, fine-tune on it.",
        subcommands = {RunCommand.class, CompileCommand.class, EvalsCommand.class, JudgeCommand.class, DataCommand.class, ExportCommand.class, TrainCommand.class,
                ReportCommand.class, BatchCommand.class, LedgerCommand.class, ModelsCommand.class, CommandLine.HelpCommand.class},
        footer = {"", "Exit codes: 0 success, 1 a check failed (or a fine-tuning job failed), 2 bad usage or input, 3 a model provider refused or failed, 130 interrupted."})
public final class Main implements Runnable {

    /** Exit codes, documented in the README. */
    public static final int OK = 0, CHECK_FAILED = 1, BAD_INPUT = 2, PROVIDER_FAILED = 3;

    @Option(names = "--debug", scope = CommandLine.ScopeType.INHERIT, description = "Print stack traces and debug logs.")
    boolean debug;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    public static void main(String[] args) {
        int code = execute(args, new PrintWriter(System.out, true), new PrintWriter(System.err, true));
        System.out.flush();
        // native model runtimes can leave non-daemon threads behind; the command is done either way
        System.exit(code);
    }

    /** Runs a command line and returns its exit code; used by main and by tests. */
    public static int execute(String[] args, PrintWriter out, PrintWriter err) {
        boolean debug = java.util.Arrays.asList(args).contains("--debug");
        CommandLine cl = new CommandLine(new Main());
        cl.setOut(out);
        cl.setErr(err);
        cl.setExecutionExceptionHandler((ex, commandLine, parseResult) -> exitCode(ex, debug, err));
        cl.setParameterExceptionHandler((ex, a) -> {
            err.println("error: " + ex.getMessage());
            String name = ex.getCommandLine().getCommandSpec().qualifiedName();
            err.println("Run '" + name + " --help' for usage.");
            return BAD_INPUT;
        });
        try {
            return cl.execute(args);
        } catch (StackOverflowError | OutOfMemoryError e) {
            if (debug) e.printStackTrace(err);
            err.println("error: the input is too large or too deeply nested to process (" + e.getClass().getSimpleName() + ").");
            return BAD_INPUT;
        }
    }

    /**
     * The exit code and the one line a failed command prints. File problems (a missing file, a full
     * disk, a read-only folder) are the user's to fix, so they are input errors with a sentence;
     * only a fault of this program prints its class name.
     */
    static int exitCode(Throwable thrown, boolean debug, PrintWriter err) {
        Throwable e = thrown;
        while ((e instanceof java.util.concurrent.CompletionException || e instanceof java.util.concurrent.ExecutionException) && e.getCause() != null) {
            e = e.getCause();
        }
        // a cause's raw message may repeat what a server echoed, the key included
        List<String> keys = Redaction.keysIn(System.getenv());
        if (debug) {
            StringWriter trace = new StringWriter();
            e.printStackTrace(new PrintWriter(trace));
            err.print(Redaction.redact(trace.toString(), keys));
        }
        if (e instanceof java.io.UncheckedIOException u) e = FileProblem.writing(u);
        else if (e instanceof java.io.IOException io) e = new InputError("A file could not be read or written: " + FileProblem.reason(io) + ".", io);
        if (e instanceof InputError) {
            err.println("error: " + Redaction.redact(e.getMessage(), keys));
            return BAD_INPUT;
        }
        if (e instanceof ModelException) {
            err.println("error: " + Redaction.redact(e.getMessage(), keys));
            return PROVIDER_FAILED;
        }
        if (!debug) {
            err.println("error: " + e.getClass().getSimpleName() + ": " + Redaction.redact(e.getMessage(), keys) + " (run with --debug for details)");
        }
        return CHECK_FAILED;
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"cai4j " + cai4j.Version.cai4j(), "Java " + cai4j.Version.java()};
        }
    }
}
