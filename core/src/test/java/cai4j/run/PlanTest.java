package cai4j.run;

import static org.assertj.core.api.Assertions.assertThat;

import cai4j.constitution.Compiler;
import cai4j.constitution.Constitution;
import cai4j.evals.Condition;
import cai4j.evals.Judge;
import cai4j.evals.QualityFilter;
import cai4j.evals.ScenarioGenerator;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class PlanTest {
    static final Constitution HELPFUL = Compiler.compile(Path.of("examples/helpful-assistant.md"));

    static Plan plan(Budget b) {
        return Plan.of(HELPFUL, new RunRequest(Path.of("examples/helpful-assistant.md"), Path.of("runs/plan"), b,
                List.of(Condition.BARE, Condition.PROMPTED), 0, Optional.empty(), false, List.of("run"), Optional.empty()));
    }

    @Test
    void structuredAnswersArePlannedAtTheSizeTheirSchemasLimitsAllow() {
        Plan p = plan(Budget.SMALL);
        assertThat(p.stages().get("judge verdicts").outputTokens()).isEqualTo(Judge.typicalAnswerTokens());
        assertThat(p.stages().get("filter scenarios").outputTokens()).isEqualTo(QualityFilter.typicalAnswerTokens());
        assertThat(p.stages().get("generate scenarios").outputTokens()).isEqualTo(ScenarioGenerator.typicalAnswerTokens(Budget.SMALL.perClause));
        // more scenarios a call, a longer answer; a verdict of a few sentences, not the 1024 tokens a remote judge may take
        assertThat(plan(Budget.LARGE).stages().get("generate scenarios").outputTokens()).isGreaterThan(p.stages().get("generate scenarios").outputTokens());
        assertThat(Judge.typicalAnswerTokens()).isBetween(40L, 200L);
    }

    @Test
    void freeAnswersArePlannedFromTheBudgetsAnswerLimit() {
        assertThat(plan(Budget.SMALL).stages().get("target answers").outputTokens()).isEqualTo(Budget.SMALL.maxTokens / 2);
        assertThat(plan(Budget.MEDIUM).stages().get("distill").outputTokens()).isEqualTo(Budget.MEDIUM.maxTokens / 2);
    }
}
