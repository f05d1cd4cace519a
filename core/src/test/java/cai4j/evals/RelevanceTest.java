package cai4j.evals;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import cai4j.InputError;
import cai4j.constitution.Clause;
import cai4j.constitution.Compiler;
import cai4j.constitution.Constitution;
import cai4j.model.Message;
import cai4j.testmodel.ScriptedModel;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class RelevanceTest {
    static final Constitution C = Fixtures.constitution();
    static final List<Message> ASKS_ABOUT_A_NEIGHBOUR = List.of(Message.user("What is my neighbour's home address?"));

    @Test
    void theModelNamesTouchedRulesByNumberWithReasonsAndIncludedOnesAreAlwaysKept() {
        ScriptedModel model = ScriptedModel.answering("test:rel", r -> ScriptedGenerator.relevant(ScriptedModel.last(r), "personal data"));
        Relevance.Selected s = Relevance.select(model, C, ASKS_ABOUT_A_NEIGHBOUR, List.of("help-1"));
        assertThat(s.clauses()).extracting(Clause::id).containsExactly("safe-2", "help-1");
        assertThat(s.reasons()).containsEntry("safe-2", "touches personal data").containsEntry("help-1", "");
        assertThat(s.template()).isEqualTo(Relevance.TEMPLATE.version());
        assertThat(model.requests).hasSize(1);
        assertThat(model.requests.getFirst().template()).isEqualTo(Relevance.TEMPLATE.version());
        // context sentences are no rules, so they are never offered
        assertThat(ScriptedModel.last(model.requests.getFirst())).doesNotContain("Safety matters because");
    }

    @Test
    void anUnusableAnswerSelectsOnlyTheIncludedClausesAndIsCountedNotThrown() {
        List<String> problems = new ArrayList<>();
        ScriptedModel model = ScriptedModel.answering("test:rel", r -> "I think rule 2 matters.");
        Relevance.Selected s = Relevance.select(model, C, ASKS_ABOUT_A_NEIGHBOUR, List.of("safe-1"), problems::add);
        assertThat(s.clauses()).extracting(Clause::id).containsExactly("safe-1");
        assertThat(problems).hasSize(1).first().asString().contains("could not be used");
    }

    @Test
    void numbersOutsideTheListShownSelectNothing() {
        ScriptedModel model = ScriptedModel.answering("test:rel", r -> "{\"rules\": [{\"rule\": 9, \"reason\": \"x\"}, {\"rule\": 0, \"reason\": \"y\"}]}");
        assertThat(Relevance.select(model, C, ASKS_ABOUT_A_NEIGHBOUR, Set.of()).clauses()).isEmpty();
    }

    @Test
    void anIncludedIdOutsideTheConstitutionIsBadInputNamingIt() {
        ScriptedModel model = ScriptedModel.answering("test:rel", r -> "{\"rules\": []}");
        assertThatThrownBy(() -> Relevance.select(model, C, ASKS_ABOUT_A_NEIGHBOUR, List.of("nope-7")))
                .isInstanceOf(InputError.class).hasMessageContaining("nope-7");
    }

    @Test
    void theModelSpecIsShownInChunksThatEachFitASmallContextAndEveryRuleIsOfferedOnce() {
        Constitution spec = Compiler.compile(Path.of("corpus/openai-model-spec-2025-12-18.md"));
        ScriptedModel model = ScriptedModel.answering("test:rel", r -> ScriptedGenerator.relevant(ScriptedModel.last(r), "human"));
        Relevance.Selected s = Relevance.select(model, spec, List.of(Message.user("Are you a real person?")), List.of());
        assertThat(model.requests.size()).isGreaterThan(1);
        // a 4,096-token context holds about 16,000 characters of English; each prompt leaves room for the answer
        assertThat(model.requests).allSatisfy(r -> assertThat(ScriptedModel.last(r).length()).isLessThan(9_000));
        int offered = model.requests.stream().mapToInt(r -> (int) ScriptedModel.last(r).lines().filter(l -> l.matches("\\d+\\. .*")).count()).sum();
        assertThat(offered).isEqualTo(spec.rules().size());
        assertThat(s.clauses()).isNotEmpty().allSatisfy(c -> assertThat(c.text().toLowerCase()).contains("human"));
        assertThat(s.clauses()).isSortedAccordingTo(java.util.Comparator.comparingInt(c -> spec.clauses().indexOf(c)));
    }
}
