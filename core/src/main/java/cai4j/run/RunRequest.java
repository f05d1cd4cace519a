package cai4j.run;

import cai4j.evals.ClauseSelection;
import cai4j.evals.Condition;
import cai4j.evals.ScenarioKind;
import cai4j.model.ModelSpec;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * What a user asked of one run.
 *
 * @param constitution the constitution's file
 * @param dir          the run directory ({@link RunDirectory#defaultFor} when none is named)
 * @param budget       how much work
 * @param conditions   the target's conditions
 * @param seed         seeds clause sampling, generation and the held-out split
 * @param prompts      a prompt file for the training data, instead of held-out scenarios
 * @param startOver    discard the directory's results (not its ledger) first
 * @param command      the command line as typed, recorded in the manifest with secrets cut out
 * @param train        the fine-tuning endpoint and base model ({@code openai:BASE[@URL]}) the train stage uses, if any
 */
public record RunRequest(Path constitution, Path dir, Budget budget, List<Condition> conditions, long seed,
                         Optional<Path> prompts, boolean startOver, List<String> command, Optional<ModelSpec> train) {
    public RunRequest {
        conditions = List.copyOf(conditions);
        command = List.copyOf(command);
    }

    /** The budget's clause sample, drawn with the seed. */
    public ClauseSelection selection() {
        return new ClauseSelection(List.of(), budget.clauses, seed);
    }

    public List<ScenarioKind> kinds() {
        return ScenarioKind.list(budget.kinds);
    }
}
