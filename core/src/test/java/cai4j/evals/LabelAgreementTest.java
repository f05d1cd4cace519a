package cai4j.evals;

import static org.assertj.core.api.Assertions.assertThat;

import cai4j.evals.ModelSpecExamples.Label;
import cai4j.evals.ModelSpecExamples.LabelledResponse;
import cai4j.model.ChatRequest;
import cai4j.scheduler.StageProgress;
import cai4j.testmodel.ScriptedModel;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class LabelAgreementTest {

    static final ModelSpecExamples SPEC = ModelSpecExamplesTest.SPEC;
    static final Pattern BLOCK = Pattern.compile("(?m)^<response-([0-9a-f]{16})>$");
    static final String PASS = "{\"reasoning\": \"r\", \"verdict\": \"pass\", \"score\": 4, \"refusal\": \"none\", \"collateral\": []}";

    /** A fail in the words of the rubric the prompt carries. */
    static String fail(String prompt) {
        return RubricJudge.answer("r", prompt.contains("The winning rule") ? "loser_won" : "violation", 1, false);
    }

    static boolean graded(ChatRequest q) {
        return Judge.TEMPLATES.values().stream().anyMatch(t -> t.version().equals(q.template()));
    }

    /**
     * A judge that is right in root and user sections, passes everything in guideline sections,
     * fails everything in developer sections and answers system sections with nothing readable; it
     * knows a response's label by what its prompt puts between the markers of the conversation and
     * of the response. Asked to choose, it always says A.
     */
    static ScriptedModel patterned(List<LabelledResponse> responses) {
        Map<String, LabelledResponse> byBlocks = new HashMap<>();
        for (LabelledResponse r : responses) {
            byBlocks.put(Untrusted.conversation(r.conversation()) + "\u0000" + Untrusted.escape(r.text()), r);
        }
        return ScriptedModel.answering("test:judge", (ChatRequest q) -> {
            String p = ScriptedModel.last(q);
            if (!graded(q)) return "A";
            Matcher block = BLOCK.matcher(p);
            assertThat(block.find()).isTrue();
            String nonce = block.group(1);
            LabelledResponse r = byBlocks.get(between(p, "conversation", nonce) + "\u0000" + between(p, "response", nonce));
            return switch (r.authority()) {
                case "root", "user" -> r.label() == Label.GOOD ? PASS : fail(p);
                case "guideline" -> PASS;
                case "developer" -> fail(p);
                default -> "I cannot grade this.";
            };
        });
    }

    private static String between(String prompt, String marker, String nonce) {
        String open = "\n<" + marker + "-" + nonce + ">\n";
        int from = prompt.indexOf(open) + open.length();
        return prompt.substring(from, prompt.indexOf("\n</" + marker + "-" + nonce + ">", from));
    }

    @Test
    void agreementPerAuthorityLevelFollowsAJudgeThatIsRightOrWrongInAKnownPattern() {
        ModelSpecExamples.Sample all = SPEC.sample(0);
        LabelAgreement.Check check = LabelAgreement.run(new Judge(patterned(all.responses()), 1, 0), SPEC, all, StageProgress.NONE);
        LabelAgreement.Result r = check.result();
        assertThat(r.available()).isEqualTo(389);
        assertThat(r.ok()).isEqualTo(8);
        assertThat(r.authorities().keySet()).containsExactly("root", "system", "developer", "user", "guideline");

        LabelAgreement.Figures root = r.authorities().get("root");
        assertThat(root.responses()).isEqualTo(154);
        assertThat(root.accuracy().rate()).isEqualTo(1.0);
        assertThat(root.falsePass().count()).isZero();
        assertThat(root.falseFail().n()).isEqualTo(77);

        LabelAgreement.Figures guideline = r.authorities().get("guideline");
        assertThat(guideline.accuracy().count()).isEqualTo(60);
        assertThat(guideline.accuracy().n()).isEqualTo(125);
        assertThat(guideline.falsePass().rate()).isEqualTo(1.0);
        assertThat(guideline.falsePass().n()).isEqualTo(65);
        assertThat(guideline.falseFail().count()).isZero();

        LabelAgreement.Figures developer = r.authorities().get("developer");
        assertThat(developer.falseFail().rate()).isEqualTo(1.0);
        assertThat(developer.accuracy().count()).isEqualTo(2);
        assertThat(developer.accuracy().n()).isEqualTo(4);

        LabelAgreement.Figures system = r.authorities().get("system");
        assertThat(system.graderErrors()).isEqualTo(4);
        assertThat(system.accuracy().n()).isZero();

        // root 154 + user 102 + guideline's 60 GOOD + developer's 2 BAD right, over 389 less system's 4 errors
        assertThat(r.overall().accuracy().count()).isEqualTo(318);
        assertThat(r.overall().accuracy().n()).isEqualTo(385);
        assertThat(r.overall().falsePass().count()).isEqualTo(65);
        assertThat(r.overall().falseFail().count()).isEqualTo(2);
        assertThat(r.overall().graderErrors()).isEqualTo(4);
        assertThat(r.overall().accuracy().low()).isLessThan(318 / 385.0).isGreaterThan(0.7);
        assertThat(r.kinds().keySet()).containsExactly("conflict", "direct");
        assertThat(r.kinds().values().stream().mapToInt(LabelAgreement.Figures::responses).sum()).isEqualTo(389);

        // the choice: every BAD response whose comparison has a GOOD one, asked in both orders
        long pairs = all.responses().stream().filter(b -> b.label() == Label.BAD)
                .filter(b -> SPEC.responses().stream().anyMatch(g -> g.comparison() == b.comparison() && g.label() == Label.GOOD)).count();
        assertThat(r.choice().items()).isEqualTo((int) pairs);
        assertThat(r.choice().accuracy().rate()).isEqualTo(0.5);
        assertThat(r.choice().positionBias().rate()).isEqualTo(1.0);
        assertThat(check.graded()).hasSize(389);
    }

    @Test
    void theJudgeGetsTheSameRubricAsForAdherenceWithTheSectionsRulesAndNeverTheLabel() {
        ModelSpecExamples.Sample s = SPEC.sample(4);
        ScriptedModel judge = ScriptedModel.answering("test:judge", q -> graded(q) ? PASS : "B");
        LabelAgreement.run(new Judge(judge, 1, 0), SPEC, s, StageProgress.NONE);
        List<ChatRequest> graded = judge.requests.stream().filter(LabelAgreementTest::graded).toList();
        assertThat(graded).hasSize(4);
        for (LabelledResponse r : s.responses()) {
            String prompt = graded.stream().map(ScriptedModel::last).filter(p -> p.contains(Untrusted.escape(r.text()))).findFirst().orElseThrow();
            assertThat(prompt).contains("(tier \"" + r.authority() + "\", rank ");
            assertThat(prompt).contains(SPEC.rules(r.section()).getFirst().text().strip());
            assertThat(prompt).doesNotContain("GOOD").doesNotContain("BAD");
            if (!r.note().isEmpty()) assertThat(prompt).doesNotContain(r.note());
        }
        assertThat(judge.requests).filteredOn(q -> Calibration.TEMPLATE.version().equals(q.template())).hasSize(2 * s.pairs().size());
    }

    @Test
    void theChainOfCommandDecidesWhichSideOfAConflictExampleWins() {
        ModelSpecExamples.Sample all = SPEC.sample(0);
        var sections = LabelAgreement.constitution(SPEC, all);
        LabelledResponse tutoring = all.responses().stream().filter(r -> r.text().startsWith("Let's solve it step by step together.")).findFirst().orElseThrow();
        Rubric root = LabelAgreement.rubric(sections, sections.clause(tutoring.section()).orElseThrow(), tutoring);
        assertThat(root.kind()).isEqualTo(ScenarioKind.CONFLICT);
        assertThat(root.clause().tier()).as("the root section wins").isEqualTo("root");
        assertThat(root.loser().orElseThrow().tier()).as("over the developer's and user's instructions").isEqualTo("developer");

        LabelledResponse styled = all.responses().stream()
                .filter(r -> r.kind() == ScenarioKind.CONFLICT && r.authority().equals("guideline")).findFirst().orElseThrow();
        Rubric guideline = LabelAgreement.rubric(sections, sections.clause(styled.section()).orElseThrow(), styled);
        assertThat(guideline.clause().tier()).as("a developer or system message outranks a guideline").isIn("developer", "system");
        assertThat(guideline.loser().orElseThrow().tier()).isEqualTo("guideline");

        LabelledResponse plain = all.responses().stream().filter(r -> r.kind() == ScenarioKind.DIRECT).findFirst().orElseThrow();
        Rubric direct = LabelAgreement.rubric(sections, sections.clause(plain.section()).orElseThrow(), plain);
        assertThat(direct.kind()).isEqualTo(ScenarioKind.DIRECT);
        assertThat(direct.loser()).isEmpty();
    }
}
