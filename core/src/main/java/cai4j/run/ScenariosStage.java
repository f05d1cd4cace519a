package cai4j.run;

import cai4j.InputError;
import cai4j.evals.Dedupe;
import cai4j.evals.EvalFiles;
import cai4j.evals.Evals;
import cai4j.evals.ScenarioGenerator;
import cai4j.evals.ScenarioSplit;

/** The generator writes scenarios for the sampled clauses, the judge filters them; a share is held out as training prompts. */
final class ScenariosStage implements Stage {
    @Override public String name() { return "scenarios"; }
    @Override public boolean callsModels() { return true; }

    @Override
    public void run(RunContext run) {
        RunRequest r = run.request();
        Budget b = r.budget();
        var settings = new ScenarioGenerator.Settings(b.perClause, r.kinds(), r.seed(), 0.8, ScenarioGenerator.Settings.maxTokensFor(b.perClause));
        Evals.GenerateReport generated = Evals.generate(r.dir(), run.constitution(), run.model(Role.GENERATOR), run.model(Role.JUDGE),
                new Evals.GenerateOptions(r.selection(), settings, true, Dedupe.DEFAULT_THRESHOLD), run.progress());
        if (generated.kept() == 0) throw new InputError("No scenario survived generation; see " + r.dir().resolve("evals/rejected.jsonl") + ".");
        if (r.prompts().isEmpty()) {
            // training prompts are scenarios the target is never graded on, drawn across every sampled clause
            EvalFiles files = run.evalFiles();
            ScenarioSplit split = ScenarioSplit.of(files.readScenarios(), Budget.HELD_OUT, b.prompts, r.seed());
            split.write(files);
            run.console().note(split.train().size() + " scenarios held out of the evaluation as training prompts (" + files.split() + ")");
        }
    }
}
