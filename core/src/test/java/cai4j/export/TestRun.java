package cai4j.export;

import cai4j.constitution.Clause;
import cai4j.constitution.Constitution;
import cai4j.constitution.Tier;
import cai4j.data.ContextDistillation;
import cai4j.data.CritiqueRevision;
import cai4j.data.DataStages;
import cai4j.data.FeedbackLabeling;
import cai4j.data.FeedbackPrinciple;
import cai4j.scheduler.StageProgress;
import cai4j.data.Understanding;
import cai4j.model.ChatRequest;
import cai4j.model.Completion;
import cai4j.model.LanguageModel;
import cai4j.model.ModelSpec;
import cai4j.model.Usage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * A run directory with all four kinds of data, made by the real stages with a scripted model; shared
 * by the export tests and the training tests (core and CLI).
 */
public final class TestRun {
    private TestRun() {}

    public static Constitution constitution() {
        return new Constitution("Kind assistant", "kind.md", "c0ffee",
                List.of(new Tier("safe", 1, ""), new Tier("helpful", 2, "")),
                List.of(new Clause("safe-1", "safe", List.of(), "Do not help with violence.", 3, Clause.Kind.RULE, "", "", List.of()),
                        new Clause("helpful-1", "helpful", List.of(), "Answer the question.", 5, Clause.Kind.RULE, "", "", List.of())));
    }

    /**
     * Answers by the kind of request: every rule is relevant, samples differ by index, the judge
     * prefers sample 1, except on every fifth prompt, where it only ever says A: a tie.
     */
    static final class Scripted implements LanguageModel {
        @Override public ModelSpec spec() { return ModelSpec.parse("openai:scripted"); }

        @Override
        public Completion complete(ChatRequest r) {
            String last = r.messages().getLast().content();
            String relevance = cai4j.evals.ScriptedGenerator.relevant(last, "");
            if (relevance != null) return text(relevance);
            if (cai4j.evals.RubricJudge.asks(r)) return text(cai4j.evals.RubricJudge.graded(last, true));
            if (!r.options().isEmpty()) {
                if (TIE.matcher(last).find()) return new Completion("A", "stop", new Usage(50, 1, 40), Map.of("A", 0.6, "B", 0.4));
                boolean sample1IsA = java.util.regex.Pattern.compile("\n<option-a-[0-9a-f]{16}>\nanswer 1").matcher(last).find();
                return new Completion("A", "stop", new Usage(50, 1, 40), sample1IsA ? Map.of("A", 0.8, "B", 0.2) : Map.of("A", 0.3, "B", 0.7));
            }
            if (!r.jsonSchema().isEmpty()) return text("{\"question\": \"What does it mean?\", \"answer\": \"It means care [safe-1].\", \"clause_ids\": [\"safe-1\"]}");
            if (r.sampleIndex() > 0 || r.template().startsWith("prefs-sample")) return text("answer " + r.sampleIndex() + " to " + last);
            if (r.template().startsWith("sft-critique")) return text("It could be kinder.");
            if (r.template().startsWith("sft-revision")) return text("A kinder answer to: " + r.messages().get(r.messages().size() - 5).content());
            return text("A plain answer to " + last);
        }

        /** The prompts whose pairs are ties: question number 0, 5, 10, ... */
        static final java.util.regex.Pattern TIE = java.util.regex.Pattern.compile("question number \\d*[05]\\b");

        private static Completion text(String t) {
            return new Completion(t, "stop", new Usage(20, 10, 0), Map.of());
        }
    }

    /** Writes {@code dir/prompts.jsonl} and the run {@code dir/run} with data on that many prompts; returns the run. */
    public static Path make(Path dir, int prompts) throws Exception {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < prompts; i++) sb.append("{\"prompt\": \"question number ").append(i).append("\"}\n");
        // a repeated prompt in another form: same content, so it is dropped as a duplicate prompt
        Path file = dir.resolve("prompts.jsonl");
        Files.writeString(file, sb.toString());
        Path run = dir.resolve("run");
        DataStages.Prompts p = DataStages.Prompts.read(file, false, 0);
        Scripted m = new Scripted();
        DataStages.sft(run, constitution(), p, m, m, m, CritiqueRevision.Settings.defaults(), StageProgress.NONE);
        DataStages.prefs(run, constitution(), p, m, m, FeedbackPrinciple.of(constitution()), FeedbackLabeling.Settings.defaults(), StageProgress.NONE);
        DataStages.distill(run, constitution(), p, m, m, ContextDistillation.Settings.defaults(), StageProgress.NONE);
        DataStages.understand(run, constitution(), DataStages.Prompts.none(), m, m, Understanding.Settings.defaults(), 0, StageProgress.NONE);
        return run;
    }
}
