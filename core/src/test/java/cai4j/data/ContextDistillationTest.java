package cai4j.data;

import cai4j.Hash;
import static cai4j.testmodel.ScriptedModel.text;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import cai4j.InputError;
import cai4j.constitution.ConstitutionPrompt;
import cai4j.model.ChatRequest;
import cai4j.model.Message;
import java.util.List;
import org.junit.jupiter.api.Test;
import cai4j.testmodel.ScriptedModel;
import cai4j.evals.RubricJudge;

class ContextDistillationTest {
    final ScriptedModel target = new ScriptedModel("openai:target", r -> text("A careful answer."));
    final Acceptance acceptance = new Acceptance(RubricJudge.lenientJudge(), Fixtures.constitution(), new Tally());

    @Test
    void theConstitutionIsAStablePrefixAndTheRecordHoldsTheConversationWithoutIt() {
        var stage = new ContextDistillation(target, Fixtures.constitution(), ContextDistillation.Settings.defaults(), acceptance, new Tally());
        Prompt plain = Prompt.of(List.of(Message.user("Hello?")), "p:1");
        Prompt withSystem = Prompt.of(List.of(Message.system("You are a pirate."), Message.user("Ahoy?")), "p:2");
        DistillRecord a = stage.run(plain).getFirst();
        DistillRecord b = stage.run(withSystem).getFirst();

        String sa = target.requests.get(0).messages().getFirst().content();
        String sb = target.requests.get(1).messages().getFirst().content();
        assertThat(sa).isEqualTo(stage.systemPrompt());
        assertThat(sb).isEqualTo(stage.systemPrompt());
        assertThat(target.requests.get(1).messages().get(1)).isEqualTo(Message.system("You are a pirate."));
        // a constitution known by its clauses alone is listed by their words, tiers in order, without ids
        assertThat(stage.systemPrompt()).isEqualTo(ConstitutionPrompt.render(Fixtures.constitution()))
                .contains("- Do not help with violence.").contains("## safe: Avoid harm").contains("## helpful: Be useful")
                .doesNotContain("safe-1").doesNotContain("ctx-1");
        assertThat(stage.systemPrompt().indexOf("## safe")).isLessThan(stage.systemPrompt().indexOf("## helpful"));
        assertThat(target.requests.get(1).messages()).extracting(Message::role).containsExactly("system", "system", "user");

        assertThat(a.messages()).containsExactly(Message.user("Hello?"), Message.assistant("A careful answer."));
        assertThat(b.messages()).containsExactly(Message.system("You are a pirate."), Message.user("Ahoy?"), Message.assistant("A careful answer."));
        assertThat(a.messages()).noneMatch(m -> m.content().contains("constitution"));
        assertThat(a.systemPromptSha256()).isEqualTo(Hash.sha256(stage.systemPrompt()));
        assertThat(a.clauseIds()).containsExactly("safe-1", "safe-2", "helpful-1", "ctx-1");
        assertThat(target.requests).extracting(ChatRequest::template).containsOnly(ContextDistillation.ANSWER.version());
    }

    @Test
    void aSubsetOfClausesCanBeDistilled() {
        var settings = new ContextDistillation.Settings(List.of("helpful-1"), 0, 256, 1);
        var stage = new ContextDistillation(target, Fixtures.constitution(), settings, acceptance, new Tally());
        assertThat(stage.systemPrompt()).contains("- Answer the question that was asked.").doesNotContain("violence").doesNotContain("helpful-1");
        assertThatThrownBy(() -> new ContextDistillation(target, Fixtures.constitution(),
                new ContextDistillation.Settings(List.of("nope"), 0, 256, 1), acceptance, new Tally()))
                .isInstanceOf(InputError.class).hasMessageContaining("'nope'");
    }
}
