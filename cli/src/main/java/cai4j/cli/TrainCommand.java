package cai4j.cli;

import cai4j.InputError;
import cai4j.RunLock;
import cai4j.model.ModelSpec;
import cai4j.scheduler.Prices;
import cai4j.train.FineTuningClient;
import cai4j.train.Trainer;
import cai4j.train.TrainingCost;
import cai4j.train.TrainingFailed;
import cai4j.train.TrainingJob;
import cai4j.train.TrainingRecord;
import cai4j.train.TrainingRequest;
import cai4j.train.TrlRecipe;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "train", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Fine-tune a model on a run's training data.",
                "With --provider: export the data in OpenAI's fine-tuning formats, upload each file once, submit one job per method "
                        + "(sft+dpo: the DPO job starts from the SFT job's model) and follow it to its end, with its events on stderr. "
                        + "Every file id, job id and status goes to RUN/train/training.json as it happens, so a rerun after a crash or Ctrl-C "
                        + "attaches to the same jobs and never uploads or submits twice. The last line printed is 'model' and the fine-tuned model.",
                "With --recipe trl -o DIR: write a TRL recipe for a local GPU (SFT then DPO, LoRA) and a script that converts "
                        + "the result to GGUF for llama:; nothing is called."},
        footer = {"", "Exit codes: 0 trained, 1 a fine-tuning job failed or was cancelled, 2 bad usage or input, 3 the provider refused a request."})
final class TrainCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "RUN", description = "The run directory whose data (RUN/data/*.jsonl) is trained on.")
    Path run;

    @Option(names = "--provider", paramLabel = "SPEC", description = "The fine-tuning API: openai:MODEL for OpenAI (OPENAI_API_KEY), openai:MODEL@http://host:port/v1 for a compatible server.")
    String provider;

    @Option(names = "--base", paramLabel = "MODEL", description = "The model to fine-tune, e.g. gpt-4o-mini-2024-07-18 (default: the model of --provider).")
    String base;

    @Option(names = "--method", paramLabel = "METHOD", defaultValue = "sft+dpo", description = "sft, dpo, or sft+dpo (DPO from the SFT model) (default: ${DEFAULT-VALUE}).")
    String method;

    @Option(names = "--suffix", paramLabel = "NAME", defaultValue = "", description = "A suffix for the fine-tuned model's name (up to 64 characters).")
    String suffix;

    @Option(names = "--epochs", paramLabel = "N", converter = Positive.Count.class, description = "Epochs per job (default: the provider chooses).")
    Integer epochs;

    @Option(names = "--dry-run", description = "Export and print the files, their tokens and the estimated training cost; call nothing.")
    boolean dryRun;

    @Option(names = "--prices", paramLabel = "FILE", description = "A JSON price table adding to or replacing the built-in one; \"training\" is USD per million trained tokens.")
    Path prices;

    @Option(names = "--poll", paramLabel = "SECONDS", converter = Positive.Seconds.class, defaultValue = "10", description = "Seconds between status checks of a running job (default: ${DEFAULT-VALUE}).")
    double pollSeconds;

    @Option(names = "--resubmit", description = "Submit again a job that RUN/train/training.json records as failed or cancelled (its file is not uploaded again).")
    boolean resubmit;

    @Option(names = "--cancel", description = "Cancel the recorded jobs that have not finished, and record that.")
    boolean cancel;

    @Option(names = "--recipe", paramLabel = "trl", description = "Write a training recipe instead of calling a provider: trl.")
    String recipe;

    @Option(names = {"-o", "--output"}, paramLabel = "DIR", description = "The folder for --recipe's files.")
    Path output;

    @Spec CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        if (recipe != null) return writeRecipe(out);
        if (output != null) throw new InputError("-o names the folder of --recipe's files; without --recipe, train records into RUN/train/.");
        if (provider == null) throw new InputError("train needs --provider SPEC (the fine-tuning API, e.g. openai:gpt-4o-mini-2024-07-18), or --recipe trl -o DIR.");
        ModelSpec endpoint = ModelSpec.parse(provider);
        TrainingRequest request = new TrainingRequest(run, base == null ? endpoint.model() : base.strip(), endpoint, method,
                suffix.strip(), Optional.ofNullable(epochs), Duration.ofMillis((long) (pollSeconds * 1000)), resubmit);
        try (RunLock lock = RunLock.acquireExisting(run)) {
            if (dryRun) return plan(request, out);
            if (cancel && TrainingRecord.read(run).isEmpty()) {
                throw new InputError("Nothing to cancel: " + TrainingRecord.path(run) + " records no fine-tuning job.");
            }
            try (FineTuningClient client = FineTuningClient.open(endpoint, System.getenv(), Duration.ofMillis((long) (pollSeconds * 1000)))) {
                Trainer trainer = new Trainer(request, client, line -> err.println(line));
                if (cancel) {
                    TrainingRecord r = trainer.cancel();
                    print(r, out);
                    return Main.OK;
                }
                TrainingRecord r;
                try {
                    r = trainer.train();
                } catch (TrainingFailed e) {
                    print(trainer.record(), out);
                    err.println("error: " + e.getMessage());
                    return Main.CHECK_FAILED;
                }
                print(r, out);
                out.println("model " + r.model().orElseThrow());
                return Main.OK;
            }
        }
    }

    /** The files, tokens and cost; nothing is called and nothing is recorded. */
    private int plan(TrainingRequest request, PrintWriter out) {
        Prices table = prices == null ? Prices.builtIn() : Prices.builtIn().with(prices);
        List<TrainingCost> costs = Trainer.plan(request, table);
        out.println("train " + request.base() + " on " + request.provider() + ", " + request.method() + " (dry run: nothing is called)");
        double total = 0;
        boolean priced = true;
        for (TrainingCost c : costs) {
            out.printf(Locale.ROOT, "  %-4s %s  %d examples, about %d tokens x %d epochs%s = %d trained tokens, %s%s%n",
                    c.file().method().id(), c.file().path(), c.file().examples(), c.file().tokens(), c.epochs(),
                    c.epochsAssumed() ? " (assumed; --epochs sets it)" : "", c.trainedTokens(),
                    c.usd().map(u -> String.format(Locale.ROOT, "%.4f USD", u)).orElse("no price"),
                    c.file().fileId().map(id -> " (uploaded before as " + id + ")").orElse(""));
            total += c.usd().orElse(0.0);
            priced &= c.usd().isPresent();
        }
        out.printf(Locale.ROOT, "  estimated training cost: %.4f USD%s%n", total,
                priced ? "" : " (no training price known for " + request.baseSpec().provider() + ":" + request.base() + "; add one with --prices)");
        return Main.OK;
    }

    private int writeRecipe(PrintWriter out) {
        if (!recipe.equals("trl")) throw new InputError("--recipe '" + recipe + "' is not known; the one recipe is trl.");
        if (output == null) throw new InputError("--recipe trl needs -o DIR, the folder to write the recipe into.");
        if (provider != null || dryRun || cancel || resubmit) throw new InputError("--recipe trl writes files and calls nothing; it takes neither --provider, --dry-run, --cancel nor --resubmit.");
        cai4j.Outputs.requireNotRunData(output, run, "-o");
        TrlRecipe.Written w;
        try (RunLock lock = RunLock.acquireExisting(run)) {
            w = TrlRecipe.write(run, output);
        }
        for (Path f : w.files()) out.println("written " + f);
        out.println("data: " + w.sft().path() + " (" + w.sft().examples() + " conversations), " + w.dpo().path() + " (" + w.dpo().examples() + " pairs)");
        out.println("on a machine with a GPU:");
        out.println("  cd " + output + " && pip install -r " + TrlRecipe.REQUIREMENTS);
        out.println("  python " + TrlRecipe.SCRIPT + " --base " + (base == null ? "Qwen/Qwen2.5-1.5B-Instruct" : base));
        out.println("  ./" + TrlRecipe.TO_GGUF + " out out/model.gguf");
        out.println("then, beside the base model bare and prompted (the same judge as before):");
        out.println("  cai4j evals run --run " + run + " --target BASE-SPEC --trained llama:" + output.resolve("out/model.gguf") + " --judge JUDGE-SPEC");
        return Main.OK;
    }

    /** One line per job: method, id, status, model; for people and for scripts (tab-free, space-separated). */
    private static void print(TrainingRecord r, PrintWriter out) {
        for (TrainingJob j : r.jobs()) {
            out.println(j.method().id() + " " + j.id() + " " + j.status() + j.model().map(m -> " " + m).orElse(""));
        }
    }
}
