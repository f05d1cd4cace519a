package cai4j.cli;

import cai4j.InputError;
import cai4j.model.ModelSpec;
import cai4j.model.llama.LlamaProvider;
import cai4j.model.llama.ModelCache;
import cai4j.model.llama.Progress;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code cai4j models pull|list}: the embedded models in the local cache. */
@Command(
        name = "models",
        mixinStandardHelpOptions = true,
        description = {
            "Download and list the models the embedded llama.cpp runtime uses.",
            "The cache is $CAI4J_HOME/models (default ~/.cache/cai4j/models); CAI4J_HF_ENDPOINT changes the download server."
        },
        subcommands = {ModelsCommand.Pull.class, ModelsCommand.ListModels.class})
public final class ModelsCommand implements Runnable {
    final Map<String, String> env;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public ModelsCommand() {
        this(System.getenv());
    }

    /** For tests: the environment to read CAI4J_HOME and CAI4J_HF_ENDPOINT from. */
    public ModelsCommand(Map<String, String> env) {
        this.env = Map.copyOf(env);
    }

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    @Command(name = "pull", mixinStandardHelpOptions = true,
            description = {"Download a model into the cache, resuming a partial download, and print its path.",
                "Without SPEC, the default model: " + ModelSpec.DEFAULT_TEXT})
    static final class Pull implements Callable<Integer> {
        @CommandLine.ParentCommand
        ModelsCommand parent;

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Parameters(arity = "0..1", paramLabel = "SPEC",
                description = "llama:<owner>/<repo>/<file>.gguf (Hugging Face) or llama:/path/to/model.gguf")
        String model;

        @Override
        public Integer call() {
            ModelSpec s = ModelSpec.parse(model == null ? ModelSpec.DEFAULT_TEXT : model);
            if (!s.provider().equals("llama")) {
                throw new InputError("cai4j models pull downloads embedded llama: models; '" + s + "' is reached over the network and needs no download.");
            }
            Path file = LlamaProvider.resolve(s, parent.env, Progress.bar("downloading " + s));
            spec.commandLine().getOut().println(file);
            return Main.OK;
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "List the models in the cache: spec, size, and whether the download finished.")
    static final class ListModels implements Callable<Integer> {
        @CommandLine.ParentCommand
        ModelsCommand parent;

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() {
            ModelCache cache = ModelCache.from(parent.env);
            List<ModelCache.Entry> entries = cache.list();
            PrintWriter out = spec.commandLine().getOut();
            if (entries.isEmpty()) {
                spec.commandLine().getErr().println("No models in " + cache.models() + " yet; 'cai4j models pull' downloads the default, "
                        + ModelSpec.DEFAULT_TEXT + ".");
                return Main.OK;
            }
            int width = entries.stream().mapToInt(e -> e.spec().length()).max().orElse(4);
            out.printf(Locale.ROOT, "%-" + width + "s  %10s  %s%n", "SPEC", "SIZE", "STATUS");
            for (ModelCache.Entry e : entries) {
                String status = e.complete() ? "complete" : "partial (pull again to resume)";
                if (e.spec().equals(ModelSpec.DEFAULT_TEXT)) status += ", default";
                out.printf(Locale.ROOT, "%-" + width + "s  %10s  %s%n", e.spec(), size(e.bytes()), status);
            }
            return Main.OK;
        }

        private static String size(long bytes) {
            if (bytes >= 1L << 30) return String.format(Locale.ROOT, "%.2f GiB", bytes / (double) (1L << 30));
            if (bytes >= 1L << 20) return String.format(Locale.ROOT, "%.1f MiB", bytes / (double) (1L << 20));
            return String.format(Locale.ROOT, "%.1f KiB", bytes / 1024.0);
        }
    }
}
