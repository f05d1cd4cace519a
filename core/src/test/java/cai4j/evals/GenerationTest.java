package cai4j.evals;

import cai4j.scheduler.StageProgress;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import cai4j.InputError;
import cai4j.constitution.Constitution;
import cai4j.model.ChatRequest;
import java.util.List;
import org.junit.jupiter.api.Test;
import cai4j.testmodel.ScriptedModel;

class GenerationTest {
    static final Constitution C = Fixtures.constitution();

    /** A generator that writes three scenarios per call, naming the clause text it was given; asked for conflict partners, it names the first rules. */
    static String generator(ChatRequest r) {
        String p = ScriptedModel.last(r);
        String pairs = ScriptedGenerator.pairs(r);
        if (pairs != null) return pairs;
        String tag = p.contains("weapons") ? "weapons" : p.contains("personal data") ? "privacy" : "answers";
        String kind = p.contains("over-refusal") ? "benign" : p.contains("red-team") ? "attack" : p.contains("which must win") ? "conflict" : "direct";
        return "```json\n{\"scenarios\": ["
                + "{\"prompt\": \"First " + kind + " question about " + tag + " in the kitchen\", \"expected\": \"follows\", \"violation\": \"breaks\"},"
                + "{\"prompt\": \"Second, unrelated " + kind + " request on " + tag + " while travelling abroad\", \"expected\": \"follows\", \"violation\": \"breaks\"},"
                + "{\"prompt\": \"Third " + kind + " one\", \"expected\": \"x\", \"violation\": \"y\"}]}\n```";
    }

    @Test
    void writesEveryKindForEverySelectedClause() {
        ScriptedModel gen = ScriptedModel.answering("test:gen", GenerationTest::generator);
        var settings = new ScenarioGenerator.Settings(2, List.of(ScenarioKind.values()), 7, 0.8, 2048);
        var r = new ScenarioGenerator(gen, settings).generate(C, C.rules(), StageProgress.NONE);
        // safe-1 and safe-2 each pair with help-1; help-1 names them both, finds both pairs taken, and gets no second copy
        assertThat(r.rejected()).singleElement().satisfies(x -> {
            assertThat(x.stage()).isEqualTo("pairing");
            assertThat(x.clauseId()).isEqualTo("help-1");
            assertThat(x.reason()).contains("already in a conflict");
        });
        assertThat(r.scenarios()).hasSize(3 * 3 * 2 + 2 * 2);
        // one call per clause to find its conflict partners, one per clause and kind, one per conflict pair
        assertThat(gen.requests).hasSize(3 + 9 + 2).allSatisfy(q -> {
            assertThat(q.jsonSchema()).containsAnyOf("scenarios", "pairs");
            assertThat(q.template()).hasSize(12);
            assertThat(q.seed()).hasValue(7);
        });
        Scenario attack = r.scenarios().stream().filter(s -> s.kind() == ScenarioKind.ATTACK).findFirst().orElseThrow();
        assertThat(attack.strategy()).isNotEmpty();
        assertThat(attack.messages()).isEqualTo(AttackStrategies.named(attack.strategy()).wrap(attack.prompt()));
        assertThat(r.scenarios().stream().filter(s -> s.kind() == ScenarioKind.ATTACK).map(Scenario::strategy).distinct().count()).isGreaterThan(1);
        // safe-1 was under test, and the conflict is counted under it because it wins
        Scenario conflict = r.scenarios().stream().filter(s -> s.kind() == ScenarioKind.CONFLICT && s.loser().equals("help-1")).findFirst().orElseThrow();
        assertThat(conflict.clauseIds()).containsExactly(conflict.winner(), "help-1");
        assertThat(conflict.clauseId()).isEqualTo(conflict.winner());
        assertThat(C.clause(conflict.winner()).orElseThrow().tier()).isEqualTo("safe");
        assertThat(r.scenarios()).filteredOn(s -> s.kind() != ScenarioKind.CONFLICT)
                .allSatisfy(s -> assertThat(s.winner() + s.loser()).isEmpty());
        assertThat(r.scenarios()).allSatisfy(s -> assertThat(s.generator()).isEqualTo("test:gen"));
        assertThat(r.scenarios()).extracting(Scenario::id).doesNotHaveDuplicates();
    }

    @Test
    void conflictPromptNamesTheWinnerTheLoserTheirRanksAndTheReason() {
        ScriptedModel gen = ScriptedModel.answering("test:gen", GenerationTest::generator);
        new ScenarioGenerator(gen, new ScenarioGenerator.Settings(1, List.of(ScenarioKind.CONFLICT), 0, 0.8, 2048))
                .generate(C, List.of(C.clause("help-1").orElseThrow()), StageProgress.NONE);
        String pairing = ScriptedModel.last(gen.requests.getFirst());
        assertThat(pairing).contains("Answer questions fully").contains("The rule under test (tier \"helpful\", rank 2 of 2, the lowest)")
                .contains("1. (tier \"safe\", rank 1 of 2, the highest)")
                .satisfies(p -> assertThat(p.substring(p.indexOf("numbered:"), p.indexOf("The rule under test"))).doesNotContain("(tier \"helpful\""));
        String prompt = ScriptedModel.last(gen.requests.getLast());
        String winnerPart = prompt.substring(prompt.indexOf("which must win"), prompt.indexOf("which yields"));
        assertThat(winnerPart).contains("rank 1 of 2").containsAnyOf("weapons", "personal data");
        assertThat(prompt.substring(prompt.indexOf("which yields"))).contains("rank 2 of 2").contains("Answer questions fully")
                .contains("tension 1");
    }

    @Test
    void unusableAnswersBecomeGenerationErrorsAfterOneRepair() {
        ScriptedModel gen = ScriptedModel.answering("test:gen", r -> "{\"scenarios\": [{\"prompt\": \"cut");
        var r = new ScenarioGenerator(gen, new ScenarioGenerator.Settings(2, List.of(ScenarioKind.DIRECT), 0, 0.8, 2048))
                .generate(C, List.of(C.clause("safe-1").orElseThrow()), StageProgress.NONE);
        assertThat(r.scenarios()).isEmpty();
        assertThat(r.rejected()).singleElement().satisfies(x -> {
            assertThat(x.stage()).isEqualTo("generation");
            assertThat(x.reason()).contains("truncated");
        });
        assertThat(gen.requests).hasSize(2);
    }

    @Test
    void singleTierConstitutionHasNoConflicts() {
        Constitution one = new Constitution("t", "t.md", "x", List.of(new cai4j.constitution.Tier("only", 1, "")),
                List.of(Fixtures.clause("a", "only", "Be kind.")));
        var r = new ScenarioGenerator(ScriptedModel.answering("test:gen", GenerationTest::generator),
                new ScenarioGenerator.Settings(1, List.of(ScenarioKind.CONFLICT), 0, 0.8, 2048)).generate(one, one.rules(), StageProgress.NONE);
        assertThat(r.rejected()).extracting(Rejection::stage).containsExactly("pairing");
        assertThat(r.rejected().getFirst().reason()).contains("no rule clause in another ranked tier");
    }

    @Test
    void filterKeepsOnlyScenariosThatTestTheirClause() {
        ScriptedModel gen = ScriptedModel.answering("test:gen", GenerationTest::generator);
        var written = new ScenarioGenerator(gen, new ScenarioGenerator.Settings(2, List.of(ScenarioKind.DIRECT), 0, 0.8, 2048))
                .generate(C, List.of(C.clause("safe-1").orElseThrow()), StageProgress.NONE);
        ScriptedModel judge = ScriptedModel.answering("test:judge", r -> {
            String p = ScriptedModel.last(r);
            if (p.contains("First")) return "{\"reasoning\": \"on topic\", \"tests_clause\": true}";
            return "I think it does not.";
        });
        var r = new QualityFilter(judge).apply(C, written.scenarios(), StageProgress.NONE);
        assertThat(r.scenarios()).singleElement().satisfies(s -> assertThat(s.prompt()).startsWith("First"));
        assertThat(r.rejected()).singleElement().satisfies(x -> assertThat(x.stage()).isEqualTo("filter-error"));
        ScriptedModel strict = ScriptedModel.answering("test:judge", q -> "{\"reasoning\": \"off topic\", \"tests_clause\": false}");
        var none = new QualityFilter(strict).apply(C, written.scenarios(), StageProgress.NONE);
        assertThat(none.scenarios()).isEmpty();
        assertThat(none.rejected()).extracting(Rejection::stage).containsOnly("filter");
        assertThat(none.rejected()).extracting(Rejection::reason).containsOnly("off topic");
    }

    @Test
    void clausesAreSelectedByIdTierSectionAndSample() {
        assertThat(ClauseSelection.ALL.apply(C)).extracting(c -> c.id()).containsExactly("safe-1", "safe-2", "help-1");
        assertThat(ClauseSelection.of("help-1", 0, 0).apply(C)).extracting(c -> c.id()).containsExactly("help-1");
        assertThat(ClauseSelection.of("safe", 0, 0).apply(C)).extracting(c -> c.id()).containsExactly("safe-1", "safe-2");
        assertThat(ClauseSelection.of("HELPFUL,safe-2", 0, 0).apply(C)).extracting(c -> c.id()).containsExactly("safe-2", "help-1");
        var a = ClauseSelection.of("", 2, 42).apply(C);
        assertThat(a).hasSize(2).isEqualTo(ClauseSelection.of("", 2, 42).apply(C));
        assertThatThrownBy(() -> ClauseSelection.of("nope", 0, 0).apply(C)).isInstanceOf(InputError.class).hasMessageContaining("'nope'");
    }
}
