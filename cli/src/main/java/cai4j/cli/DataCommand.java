package cai4j.cli;

import cai4j.InputError;
import cai4j.constitution.Compiler;
import cai4j.constitution.Constitution;
import cai4j.data.ContextDistillation;
import cai4j.data.CritiqueRevision;
import cai4j.data.DataMeta;
import cai4j.data.DataRun;
import cai4j.data.DataStages;
import cai4j.data.FeedbackFewShot;
import cai4j.data.FeedbackLabeling;
import cai4j.data.FeedbackPrinciple;
import cai4j.data.FewShot;
import cai4j.scheduler.StageProgress;
import cai4j.data.Understanding;
import cai4j.model.LanguageModel;
import cai4j.road.Road;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "data", mixinStandardHelpOptions = true,
        description = {"Training data the Constitutional AI way, written to RUN/data/<kind>.jsonl with a <kind>.meta.json beside it.",
                "Every model call goes through RUN/ledger.db: rerunning a command replays finished calls and resumes where it stopped."},
        subcommands = {DataCommand.Sft.class, DataCommand.Prefs.class, DataCommand.Distill.class, DataCommand.Understand.class})
final class DataCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** Options every data command takes. */
    static final class Common {
        @Parameters(index = "0", paramLabel = "CONSTITUTION", description = "The constitution (.md, .json, .yaml, text) or a compiled constitution.json.")
        Path constitution;

        @Option(names = "--prompts", paramLabel = "FILE", description = {
                "Prompts: JSONL ({\"prompt\"} or {\"messages\"}; a prompt may be a \"\\n\\nHuman: ...\\n\\nAssistant:\" transcript),",
                "CSV with a 'prompt' column, .txt, or a run directory whose evals/scenarios.jsonl to use. Repeat to combine."})
        List<Path> prompts = new ArrayList<>();

        @Option(names = "--run", required = true, paramLabel = "DIR", description = "The run directory (created if needed).")
        Path run;

        @Option(names = "--limit", paramLabel = "N", defaultValue = "0", description = "Use only the first N prompts (0: all).")
        int limit;

        @Option(names = "--skip-bad", description = "Leave out prompt lines that cannot be read (listed in the meta file) instead of stopping.")
        boolean skipBad;

        @Option(names = "--target", paramLabel = "SPEC", description = "The model whose behaviour the data shapes (default: $CAI4J_MODEL, else the embedded default model).")
        String target;

        @Option(names = "--generator", paramLabel = "SPEC", description = "The model that writes critiques, revisions and questions (default: the judge).")
        String generator;

        @Option(names = "--judge", paramLabel = "SPEC", description = "The feedback model that compares responses (default: the target).")
        String judge;

        @Option(names = "--seed", paramLabel = "S", defaultValue = "0", description = "Seeds the choice of principles (default: ${DEFAULT-VALUE}).")
        long seed;

        @Option(names = "--max-tokens", converter = Positive.Count.class, paramLabel = "N", defaultValue = "1024", description = "Limit of each answer (default: ${DEFAULT-VALUE}).")
        int maxTokens;

        @Option(names = "--parallel", paramLabel = "N", defaultValue = "16", description = "Items worked on at once; the road also limits calls per provider (default: ${DEFAULT-VALUE}).")
        int parallel;

        @Mixin
        Models.RoadOptions road = new Models.RoadOptions();

        /** The models of the roles, by the rule every command follows. */
        cai4j.run.Roles roles() { return Models.roles(target, judge, generator); }

        Constitution constitution() {
            return Compiler.compile(constitution);
        }

        DataStages.Prompts readPrompts() {
            if (limit < 0) throw new InputError("--limit must not be negative.");
            return DataStages.Prompts.read(prompts, skipBad, limit);
        }

        /** A role option the command does not use is most likely a mistake worth a word, not an error. */
        void warnUnused(PrintWriter err, String command, String... roles) {
            for (String role : roles) {
                String v = switch (role) {
                    case "target" -> target;
                    case "generator" -> generator;
                    default -> judge;
                };
                if (v != null) err.println("note: --" + role + " is not used by 'data " + command + "'.");
            }
        }

        Road road() {
            return Models.road(run, road);
        }
    }

    /** Stage progress for people: a line when a stage starts and ends; the road's own line shows calls, tokens and cost. */
    static StageProgress progress(Road road, PrintWriter err, long callsPerItem) {
        return (stage, done, total) -> {
            if (done == 0) {
                road.progress().plan(total * callsPerItem);
                err.println("data " + stage + ": " + total + (total == 1 ? " item" : " items"));
            } else if (done == total) {
                err.println("data " + stage + ": done");
            }
            err.flush();
        };
    }

    static int report(PrintWriter out, PrintWriter err, DataRun.Result r) {
        DataMeta m = r.meta();
        out.println(m.records() + " " + m.kind() + " records from " + m.items() + " items written to " + r.file());
        m.rejected().forEach((reason, n) -> out.println("  " + n + " left out: " + reason));
        if (!m.skippedLines().isEmpty()) out.println("  " + m.skippedLines().size() + " prompt lines skipped (--skip-bad); see " + DataRun.metaFile(r.file().getParent().getParent(), cai4j.data.Kind.parse(m.kind())));
        if (m.usage().inputTokens() > 0) {
            out.printf(Locale.ROOT, "  tokens: %d in (%.0f%% from the provider's prompt cache), %d out%n",
                    m.usage().inputTokens(), 100 * m.cachedShare(), m.usage().outputTokens());
        }
        if (m.records() == 0) {
            err.println("error: no " + m.kind() + " record was written; see the reasons above.");
            return Main.CHECK_FAILED;
        }
        return Main.OK;
    }

    @Command(name = "sft", mixinStandardHelpOptions = true, sortOptions = false,
            description = {"Critique and revision (SL-CAI): the target answers each prompt without the constitution; the generator",
                    "critiques the answer under a principle drawn from the clauses the prompt touches (its scenario's, and those a",
                    "relevance pass of the generator chooses), highest tier first, and rewrites it, K rounds. The requests state the",
                    "tiers in order and, for a conflict scenario, which clause wins. A prompt no clause touches is left out. The judge",
                    "keeps a revision only if it passes the scenario's rubric and each critique clause and scores no lower than the answer.",
                    "Writes RUN/data/sft.jsonl: init_prompt, init_response, critic_prompt, critic_response, revision_prompt,",
                    "revision_response, messages, chosen, rejected, rounds, clause_ids, principles (id, tier, rank, why), models,",
                    "checks, initial_checks."})
    static final class Sft implements Callable<Integer> {
        @Mixin Common common;

        @Option(names = "--rounds", paramLabel = "K", defaultValue = "1", description = "Critique–revision rounds, a new principle each (default: ${DEFAULT-VALUE}; the paper used 4).")
        int rounds;

        @Option(names = "--few-shot", paramLabel = "FILE", description = "Worked critique–revision examples: the paper's CritiqueRevisionFewShotPrompts.json, a Hugging Face constitution with system_chat, or a JSON list of message lists.")
        Path fewShot;

        @Option(names = "--temperature", paramLabel = "T", defaultValue = "0", description = "Sampling temperature (default: ${DEFAULT-VALUE}).")
        double temperature;

        @Spec CommandSpec spec;

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut(), err = spec.commandLine().getErr();
            Constitution c = common.constitution();
            DataStages.Prompts prompts = common.readPrompts();
            FewShot shots = fewShot == null ? FewShot.NONE : FewShot.load(fewShot);
            var settings = new CritiqueRevision.Settings(rounds, shots, common.seed, temperature, common.maxTokens, common.parallel);
            cai4j.run.Roles roles = common.roles();
            try (Road road = common.road()) {
                LanguageModel target = road.model(roles.target());
                LanguageModel generator = road.model(roles.generator());
                LanguageModel judge = road.model(roles.judge());
                // relevance, the answer, K critiques and revisions, then the judge on the revision and the initial answer
                return report(out, err, DataStages.sft(common.run, c, prompts, target, generator, judge, settings, progress(road, err, 2 + 2L * rounds + 2)));
            }
        }
    }

    @Command(name = "prefs", mixinStandardHelpOptions = true, sortOptions = false,
            description = {"AI-feedback preferences (RLAIF): n samples of the target per prompt; for each pair the judge answers a",
                    "multiple-choice question under principles drawn from the clauses the prompt touches, in both option orders, the",
                    "tiers stated and the responses between delimiters. Labels are tier-first: the highest tier that prefers a response",
                    "decides, lower tiers only break its ties; no preference at any tier is a tie (label 0.5, never exported as a pair).",
                    "Soft labels come from the options' next-token probabilities when a call gives enough of them (P(A)+P(B) at least",
                    "--min-option-mass), else the pair is asked by chain of thought, a verdict counting 0.4 or 0.6; never both in one label.",
                    "A prompt that is a conflict scenario also gives a pair (source conflict) whose chosen answer honours the higher",
                    "tier and whose rejected answer lets the lower tier win, both confirmed by the judge's conflict rubric.",
                    "Writes RUN/data/prefs.jsonl: prompt, chosen, rejected, soft_label, tie, deciding_tier, tiers, principles,",
                    "agreement, method, option_mass, votes, models, source, scenario_id, checks."})
    static final class Prefs implements Callable<Integer> {
        @Mixin Common common;

        @Option(names = "--samples", paramLabel = "N", defaultValue = "2", description = "Responses sampled per prompt, at least 2; every pair is labelled (default: ${DEFAULT-VALUE}).")
        int samples;

        @Option(names = "--principles", paramLabel = "M", defaultValue = "2", description = "Principles each pair is judged under, an ensemble (default: ${DEFAULT-VALUE}).")
        int principles;

        @Option(names = "--feedback-principles", paramLabel = "FILE", description = "Comparison questions to use instead of the clauses: a JSON list of strings, such as the paper's RLMadisonInstructions.json.")
        Path feedbackPrinciples;

        @Option(names = "--feedback", paramLabel = "MODE", defaultValue = "auto", description = "auto, probabilities or chain-of-thought (default: ${DEFAULT-VALUE}: probabilities when the judge's provider gives them).")
        String feedback;

        @Option(names = "--temperature", paramLabel = "T", defaultValue = "1.0", description = "Sampling temperature of the target (default: ${DEFAULT-VALUE}).")
        double temperature;

        @Option(names = "--min-option-mass", paramLabel = "P", defaultValue = "0.5", description = "Least P(A)+P(B) for a call's option probabilities to be used (default: ${DEFAULT-VALUE}).")
        double minMass;

        @Option(names = "--tie-margin", paramLabel = "D", defaultValue = "0.05", description = "How far from 0.5 a tier's probability must be to prefer a response (default: ${DEFAULT-VALUE}).")
        double tieMargin;

        @Option(names = "--feedback-few-shot", paramLabel = "FILE", description = "Worked comparisons shown before each question: JSONL in the HHH set's format (\"prompt\" with (A) [[[...]]] (B) [[[...]]], \"corrects\").")
        Path fewShot;

        @Option(names = "--feedback-few-shot-count", paramLabel = "N", defaultValue = "3", description = "How many comparisons of --feedback-few-shot to show (default: ${DEFAULT-VALUE}).")
        int fewShotCount;

        @Spec CommandSpec spec;

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut(), err = spec.commandLine().getErr();
            if (fewShotCount < 1) throw new InputError("--feedback-few-shot-count must be at least 1 (it is " + fewShotCount + ").");
            FeedbackLabeling.Mode mode = switch (feedback.strip().toLowerCase(Locale.ROOT)) {
                case "auto" -> FeedbackLabeling.Mode.AUTO;
                case "probabilities" -> FeedbackLabeling.Mode.PROBABILITIES;
                case "chain-of-thought", "cot" -> FeedbackLabeling.Mode.CHAIN_OF_THOUGHT;
                default -> throw new InputError("--feedback '" + feedback + "' is not auto, probabilities or chain-of-thought.");
            };
            Constitution c = common.constitution();
            DataStages.Prompts prompts = common.readPrompts();
            List<FeedbackPrinciple> ps = feedbackPrinciples == null ? FeedbackPrinciple.of(c) : FeedbackPrinciple.load(feedbackPrinciples);
            var settings = new FeedbackLabeling.Settings(samples, principles, temperature, common.maxTokens, common.seed, mode, common.parallel,
                    minMass, tieMargin, fewShot == null ? FeedbackFewShot.NONE : FeedbackFewShot.load(fewShot, fewShotCount));
            long pairs = (long) samples * (samples - 1) / 2;
            cai4j.run.Roles roles = common.roles();
            try (Road road = common.road()) {
                LanguageModel target = road.model(roles.target());
                LanguageModel judge = road.model(roles.judge());
                return report(out, err, DataStages.prefs(common.run, c, prompts, target, judge, ps, settings,
                        progress(road, err, 1 + samples + pairs * Math.min(principles, ps.size()) * 2)));
            }
        }
    }

    @Command(name = "distill", mixinStandardHelpOptions = true, sortOptions = false,
            description = {"Context distillation: the target answers with the constitution as its system prompt (a stable prefix",
                    "that providers can cache); each record holds the same conversation without it. An answer to a scenario",
                    "is kept only if the judge passes it under the scenario's rubric.",
                    "Writes RUN/data/distill.jsonl: prompt, response, messages, clause_ids, system_prompt_sha256, models, checks."})
    static final class Distill implements Callable<Integer> {
        @Mixin Common common;

        @Option(names = "--clauses", paramLabel = "IDS", split = ",", description = "Put only these clause ids in the system prompt (default: the whole constitution).")
        List<String> clauses = new ArrayList<>();

        @Option(names = "--temperature", paramLabel = "T", defaultValue = "0", description = "Sampling temperature (default: ${DEFAULT-VALUE}).")
        double temperature;

        @Spec CommandSpec spec;

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut(), err = spec.commandLine().getErr();
            common.warnUnused(err, "distill", "generator");
            Constitution c = common.constitution();
            DataStages.Prompts prompts = common.readPrompts();
            var settings = new ContextDistillation.Settings(clauses, temperature, common.maxTokens, common.parallel);
            cai4j.run.Roles roles = common.roles();
            try (Road road = common.road()) {
                LanguageModel target = road.model(roles.target());
                LanguageModel judge = road.model(roles.judge());
                return report(out, err, DataStages.distill(common.run, c, prompts, target, judge, settings, progress(road, err, 1)));
            }
        }
    }

    @Command(name = "understand", mixinStandardHelpOptions = true, sortOptions = false,
            description = {"Questions and answers that teach the constitution: what each clause means, how it applies to a case",
                    "(a prompt from a run's scenarios is the case of a clause its scenario tests), and how the tiers resolve a",
                    "conflict (the judge checks that the higher tier wins). Texts quote clauses, never their ids.",
                    "Writes RUN/data/understand.jsonl: kind, question, answer, clause_ids, tiers, messages, case_id, models, checks."})
    static final class Understand implements Callable<Integer> {
        @Mixin Common common;

        @Option(names = "--questions", paramLabel = "KINDS", split = ",", defaultValue = "meaning,application,conflict",
                description = "Kinds of question: meaning, application, conflict (default: ${DEFAULT-VALUE}).")
        List<String> questions;

        @Option(names = "--temperature", paramLabel = "T", defaultValue = "0.7", description = "Sampling temperature (default: ${DEFAULT-VALUE}).")
        double temperature;

        @Spec CommandSpec spec;

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut(), err = spec.commandLine().getErr();
            common.warnUnused(err, "understand", "target");
            Set<Understanding.Question> kinds = EnumSet.noneOf(Understanding.Question.class);
            for (String q : questions) {
                try {
                    kinds.add(Understanding.Question.valueOf(q.strip().toUpperCase(Locale.ROOT)));
                } catch (IllegalArgumentException e) {
                    throw new InputError("--questions '" + q + "' is not meaning, application or conflict.");
                }
            }
            Constitution c = common.constitution();
            DataStages.Prompts cases = common.prompts.isEmpty() ? DataStages.Prompts.none() : DataStages.Prompts.read(common.prompts, common.skipBad, 0);
            var settings = new Understanding.Settings(kinds, common.seed, temperature, common.maxTokens, common.parallel);
            cai4j.run.Roles roles = common.roles();
            try (Road road = common.road()) {
                LanguageModel generator = road.model(roles.generator());
                LanguageModel judge = road.model(roles.judge());
                return report(out, err, DataStages.understand(common.run, c, cases, generator, judge, settings, common.limit, progress(road, err, 1)));
            }
        }
    }
}
