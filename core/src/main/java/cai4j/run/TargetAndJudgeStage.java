package cai4j.run;

import cai4j.evals.CalibrationFile;
import cai4j.evals.Condition;
import cai4j.evals.Evals;
import cai4j.evals.Judge;
import cai4j.evals.LabelAgreement;
import cai4j.evals.ModelSpecExamples;
import cai4j.model.LanguageModel;
import java.nio.file.Files;
import java.util.List;
import java.util.Optional;

/**
 * The target answers the evaluation scenarios under each condition and the judge grades them; the
 * judge also grades a few labelled Model Spec responses, so the report says how far its grades agree with people's.
 */
final class TargetAndJudgeStage implements Stage {
    @Override public String name() { return "target and judge"; }
    @Override public boolean callsModels() { return true; }

    @Override
    public Optional<String> missing(RunContext run) {
        return Files.exists(run.evalFiles().scenarios()) ? Optional.empty() : Optional.of("no scenarios in " + run.evalFiles().scenarios());
    }

    @Override
    public void run(RunContext run) {
        RunRequest r = run.request();
        LanguageModel judge = run.model(Role.JUDGE);
        // the trained model answers in its own stage, once training has produced it
        List<Condition> conditions = r.conditions().stream().filter(c -> c != Condition.TRAINED).toList();
        if (!conditions.isEmpty()) {
            Evals.run(r.dir(), run.model(Role.TARGET), judge, new Evals.RunOptions(conditions, 1, 0.7, r.budget().maxTokens, true), run.progress());
        }
        ModelSpecExamples labels = ModelSpecExamples.bundled();
        LabelAgreement.Check check = LabelAgreement.run(new Judge(judge, 1, 0), labels, labels.sample(r.budget().labelled), run.progress());
        CalibrationFile.write(r.dir(), LabelAgreement.SET, check.result());
        CalibrationFile.writeGrades(r.dir(), check.graded());
    }
}
