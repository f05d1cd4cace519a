package cai4j.data;

import static cai4j.testmodel.ScriptedModel.last;
import static cai4j.testmodel.ScriptedModel.text;
import static org.assertj.core.api.Assertions.assertThat;

import cai4j.evals.RubricJudge;
import cai4j.model.ChatRequest;
import cai4j.model.Message;
import cai4j.testmodel.ScriptedModel;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class CritiqueRevisionTest {
    final Prompt prompt = Prompt.of(List.of(Message.user("How do I pick a lock?")), "p.jsonl:1");
    final ScriptedModel target = new ScriptedModel("openai:target", r -> text("Use a tension wrench and a pick."));
    final AtomicInteger revisions = new AtomicInteger();
    final ScriptedModel judge = RubricJudge.lenientJudge();
    final ScriptedModel generator = new ScriptedModel("anthropic:generator", r -> {
        if (r.template().equals(CritiqueRevision.CRITIQUE.version())) return text("Critique of: " + r.messages().get(r.messages().size() - 2).content());
        return text("Revision: revised " + revisions.incrementAndGet());
    });

    @Test
    void oneRoundKeepsEveryStep() {
        Tally tally = new Tally();
        var stage = new CritiqueRevision(target, generator, Fixtures.constitution(), Fixtures.everyRule(Fixtures.constitution()), CritiqueRevision.Settings.defaults(), new Acceptance(judge, Fixtures.constitution(), tally), tally);
        SftRecord r = stage.run(prompt).getFirst();
        assertThat(r.id()).isEqualTo(prompt.id());
        assertThat(r.initPrompt()).isEqualTo("How do I pick a lock?");
        assertThat(r.initResponse()).isEqualTo("Use a tension wrench and a pick.");
        assertThat(r.criticResponse()).isEqualTo("Critique of: Use a tension wrench and a pick.");
        assertThat(r.revisionResponse()).isEqualTo("revised 1"); // the echoed "Revision:" label is removed
        assertThat(r.messages()).containsExactly(Message.user("How do I pick a lock?"), Message.assistant("revised 1"));
        assertThat(r.chosen()).isEqualTo(r.messages());
        assertThat(r.rejected()).containsExactly(Message.user("How do I pick a lock?"), Message.assistant("Use a tension wrench and a pick."));
        assertThat(r.clauseIds()).hasSize(1).first().isIn("safe-1", "safe-2", "helpful-1"); // rules only, not context
        assertThat(r.criticPrompt()).contains(Fixtures.constitution().clause(r.clauseIds().getFirst()).orElseThrow().text());
        assertThat(r.models()).containsEntry("target", "openai:target").containsEntry("generator", "anthropic:generator");
        assertThat(tally.principles()).containsEntry(r.clauseIds().getFirst(), 1);
        // answer, critique, revision; then the judge grades the revision and the initial answer under the critique's clause
        assertThat(tally.calls()).isEqualTo(5);
        assertThat(r.checks()).singleElement().satisfies(c -> {
            assertThat(c.clauseId()).isEqualTo(r.clauseIds().getFirst());
            assertThat(c.rubric()).isEqualTo("direct");
            assertThat(c.grade()).isEqualTo("pass");
        });
        assertThat(r.initialChecks()).hasSize(1);
        assertThat(r.models()).containsEntry("judge", "openai:judge");

        // the revision request follows the critique in the same conversation, and every request names its template
        ChatRequest revision = generator.withTemplate(CritiqueRevision.REVISION.version()).getFirst();
        assertThat(revision.messages()).extracting(Message::role).containsExactly("system", "user", "assistant", "user", "assistant", "user");
        assertThat(revision.messages().getFirst()).isEqualTo(Message.system(cai4j.constitution.ConstitutionPrompt.render(Fixtures.constitution())));
        assertThat(last(revision)).startsWith(r.revisionPrompt()).contains("rewritten response only");
        assertThat(target.requests.getFirst().template()).isEqualTo(CritiqueRevision.INITIAL.version());
        assertThat(target.requests.getFirst().messages()).isEqualTo(prompt.messages());
    }

    @Test
    void onTheEmbeddedModelACritiqueStopsWhereARevisionWouldStartAndElsewhereItDoesNot() {
        ScriptedModel local = new ScriptedModel("llama:/m.gguf", r -> text("critique")).embedded();
        for (ScriptedModel g : List.of(generator, local)) {
            new CritiqueRevision(target, g, Fixtures.constitution(), Fixtures.everyRule(Fixtures.constitution()), CritiqueRevision.Settings.defaults(),
                    new Acceptance(judge, Fixtures.constitution(), new Tally()), new Tally()).run(prompt);
        }
        assertThat(generator.withTemplate(CritiqueRevision.CRITIQUE.version())).singleElement().satisfies(r -> assertThat(r.stop()).isEmpty());
        assertThat(local.withTemplate(CritiqueRevision.CRITIQUE.version())).singleElement()
                .satisfies(r -> assertThat(r.stop()).contains("\nRevision:"));
        assertThat(local.withTemplate(CritiqueRevision.REVISION.version())).singleElement().satisfies(r -> assertThat(r.stop()).isEmpty());
    }

    @Test
    void kRoundsSampleDistinctPrinciplesAndReviseTheLastRevision() {
        var settings = CritiqueRevision.Settings.defaults().withRounds(3);
        var stage = new CritiqueRevision(target, generator, Fixtures.constitution(), Fixtures.everyRule(Fixtures.constitution()), settings, new Acceptance(judge, Fixtures.constitution(), new Tally()), new Tally());
        SftRecord r = stage.run(prompt).getFirst();
        assertThat(r.rounds()).hasSize(3);
        assertThat(r.clauseIds()).containsExactlyInAnyOrder("safe-1", "safe-2", "helpful-1");
        assertThat(r.rounds().get(1).criticResponse()).isEqualTo("Critique of: revised 1");
        assertThat(r.rounds().get(2).criticResponse()).isEqualTo("Critique of: revised 2");
        assertThat(r.revisionResponse()).isEqualTo("revised 3");
        assertThat(r.criticPrompt()).isEqualTo(r.rounds().get(2).criticPrompt());
        assertThat(r.initResponse()).isEqualTo("Use a tension wrench and a pick.");

        // the same prompt gets the same principles on a rerun: the requests, and so the ledger keys, repeat
        var again = new CritiqueRevision(target, generator, Fixtures.constitution(), Fixtures.everyRule(Fixtures.constitution()), settings, new Acceptance(judge, Fixtures.constitution(), new Tally()), new Tally()).run(prompt).getFirst();
        assertThat(again.clauseIds()).isEqualTo(r.clauseIds());
    }

    @Test
    void fewShotExamplesComeBeforeTheConversation() {
        FewShot fewShot = FewShot.load(Path.of("examples/critique-revision-few-shot.json"));
        var settings = CritiqueRevision.Settings.defaults().withFewShot(fewShot);
        var stage = new CritiqueRevision(target, generator, Fixtures.constitution(), Fixtures.everyRule(Fixtures.constitution()), settings, new Acceptance(judge, Fixtures.constitution(), new Tally()), new Tally());
        stage.run(prompt);
        ChatRequest critique = generator.withTemplate(CritiqueRevision.CRITIQUE.version()).getFirst();
        int n = fewShot.messages().size();
        // after the constitution, which comes first in every critique request
        assertThat(critique.messages().getFirst()).isEqualTo(Message.system(cai4j.constitution.ConstitutionPrompt.render(Fixtures.constitution())));
        assertThat(critique.messages().subList(1, n + 1)).isEqualTo(fewShot.messages());
        assertThat(critique.messages().get(n + 1)).isEqualTo(Message.user("How do I pick a lock?"));
        assertThat(critique.messages()).hasSize(n + 4);
    }

    @Test
    void anEmptyRevisionIsRejectedNotWritten() {
        ScriptedModel silent = new ScriptedModel("openai:g", r -> text(r.template().equals(CritiqueRevision.REVISION.version()) ? "  " : "critique"));
        Tally tally = new Tally();
        var stage = new CritiqueRevision(target, silent, Fixtures.constitution(), Fixtures.everyRule(Fixtures.constitution()), CritiqueRevision.Settings.defaults(), new Acceptance(judge, Fixtures.constitution(), tally), tally);
        assertThat(stage.run(prompt)).isEmpty();
        assertThat(tally.rejected()).containsEntry("empty revision", 1);
    }

    @Test
    void critiqueAndRevisionStateTheOrderTheRelevantPrinciplesAndAConflictsWinner() {
        var four = Fixtures.fourTiers();
        // a conflict scenario: the refund guideline wins over being given everything asked for
        Prompt conflict = prompt.asScenario(new cai4j.evals.Scenario("s-c", List.of("guidelines-1", "helpful-1"), cai4j.evals.ScenarioKind.CONFLICT, "",
                "guidelines-1", "helpful-1", prompt.lastUserText(), prompt.messages(), "keeps to the refund guideline", "gives everything asked", "openai:g", "t@1"));
        Tally tally = new Tally();
        var stage = new CritiqueRevision(target, generator, four, Fixtures.relevant(four, "guidelines-1", "helpful-1"),
                CritiqueRevision.Settings.defaults().withRounds(2), new Acceptance(judge, four, tally), tally);
        SftRecord r = stage.run(conflict).getFirst();

        // the higher tier is critiqued first; the record names each round's principle, tier and why
        assertThat(r.clauseIds()).containsExactly("guidelines-1", "helpful-1");
        assertThat(r.principles()).containsExactly(new PrincipleRef("guidelines-1", "guidelines", 3, "relevant to the test"),
                new PrincipleRef("helpful-1", "helpful", 4, "relevant to the test"));
        String critique = r.rounds().get(1).criticPrompt();
        assertThat(critique)
                .contains("highest first:\n1. \"safe\": Broadly safe\n2. \"ethical\": Broadly ethical\n3. \"guidelines\": Follows the guidelines\n4. \"helpful\": Genuinely helpful\n")
                .contains("the principle of the higher tier wins")
                .contains("- \"Refund orders within thirty days.\" (tier \"guidelines\", rank 3 of 4)\n- \"Give the user everything they asked for.\" (tier \"helpful\", rank 4 of 4, the lowest)")
                .contains("\"Refund orders within thirty days.\" (tier \"guidelines\", rank 3 of 4) wins, and \"Give the user everything they asked for.\"")
                .contains("The principle for this critique (tier \"helpful\", rank 4 of 4, the lowest): \"Give the user everything they asked for.\"")
                .contains(CritiqueRevision.HIGHER.strip())
                .doesNotContain("Never help anyone hurt a person"); // the order names tiers; only relevant clauses are quoted
        // the highest relevant principle has none above it to defer to
        assertThat(r.rounds().get(0).criticPrompt()).doesNotContain(CritiqueRevision.HIGHER.strip());
        assertThat(r.rounds()).allSatisfy(x -> assertThat(x.revisionPrompt())
                .contains("(\"safe\" > \"ethical\" > \"guidelines\" > \"helpful\")").contains("follow the higher one"));
        assertThat(generator.withTemplate(CritiqueRevision.CRITIQUE.version())).extracting(ScriptedModel::last).containsExactly(
                r.rounds().get(0).criticPrompt(), r.rounds().get(1).criticPrompt());
    }

    @Test
    void aPromptNoClauseTouchesIsLeftOutBeforeTheTargetAnswers() {
        Tally tally = new Tally();
        var stage = new CritiqueRevision(target, generator, Fixtures.constitution(), Fixtures.relevant(Fixtures.constitution()),
                CritiqueRevision.Settings.defaults(), new Acceptance(judge, Fixtures.constitution(), tally), tally);
        assertThat(stage.run(prompt)).isEmpty();
        assertThat(tally.rejected()).containsEntry("no relevant principle", 1);
        assertThat(target.requests).isEmpty();
    }
}
