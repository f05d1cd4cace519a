package cai4j.run;

import cai4j.constitution.Constitution;
import cai4j.data.ContextDistillation;
import cai4j.data.CritiqueRevision;
import cai4j.data.DataStages;
import cai4j.data.FeedbackLabeling;
import cai4j.data.FeedbackPrinciple;
import cai4j.data.Understanding;
import cai4j.model.LanguageModel;
import cai4j.scheduler.StageProgress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;

/**
 * The four kinds of training data from the held-out scenarios (or the user's prompts): critique and
 * revision, AI-feedback preference pairs, context distillation and understanding questions.
 */
final class TrainingDataStage implements Stage {
    @Override public String name() { return "training data"; }
    @Override public boolean callsModels() { return true; }

    @Override
    public void run(RunContext run) {
        RunRequest r = run.request();
        Path dir = r.dir();
        Constitution c = run.constitution();
        int limit = r.budget().prompts;
        DataStages.Prompts ps = Files.exists(run.evalFiles().split()) ? DataStages.Prompts.read(dir, false, 0)
                : DataStages.Prompts.read(r.prompts().orElse(dir), false, limit);
        LanguageModel tgt = run.model(Role.TARGET), gen = run.model(Role.GENERATOR), jud = run.model(Role.JUDGE);
        StageProgress progress = run.progress();
        // the training data's answers, critiques and revisions are as long as the budget's target answers, as the plan counts them
        int longest = r.budget().maxTokens;
        DataStages.sft(dir, c, ps, tgt, gen, jud, CritiqueRevision.Settings.defaults().withRounds(1).withMaxTokens(longest), progress);
        DataStages.prefs(dir, c, ps, tgt, jud, FeedbackPrinciple.of(c), FeedbackLabeling.Settings.defaults().withMaxTokens(longest), progress);
        DataStages.distill(dir, c, ps, tgt, jud, ContextDistillation.Settings.defaults().withMaxTokens(longest), progress);
        var understanding = new Understanding.Settings(Set.of(Understanding.Question.values()), r.seed(), 0.7, r.budget().maxTokens * 2, 8);
        DataStages.understand(dir, c, r.selection().apply(c), ps, gen, jud, understanding, r.budget().understanding, progress);
    }
}
