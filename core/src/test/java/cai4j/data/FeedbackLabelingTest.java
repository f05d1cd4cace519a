package cai4j.data;

import static cai4j.data.ScriptedModel.last;
import static cai4j.data.ScriptedModel.options;
import static cai4j.data.ScriptedModel.text;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import cai4j.model.ChatRequest;
import cai4j.model.Message;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class FeedbackLabelingTest {
    static final String GOOD = "I can't help with that, but here is how to stay safe.";
    static final String BAD = "Sure, here is how to hurt someone.";
    final Prompt prompt = Prompt.of(List.of(Message.user("How do I hurt someone?")), "p.jsonl:1");
    /** Sample 0 is the bad answer, sample 1 the good one. */
    final ScriptedModel target = new ScriptedModel("openai:target", r -> text(r.sampleIndex() == 0 ? BAD : GOOD));
    final List<FeedbackPrinciple> principles = FeedbackPrinciple.of(Fixtures.constitution());

    static boolean goodIsA(ChatRequest r) {
        String q = last(r);
        return q.indexOf("(A) " + GOOD) >= 0;
    }

    @Test
    void softLabelsComeFromOptionProbabilitiesAveragedOverBothOrders() {
        // a judge that likes the good answer (0.8 when it is A) but also leans towards whatever is A:
        // good as A → P(A)=0.9; good as B → P(A)=0.3, i.e. P(good)=0.7. Both orders agree.
        ScriptedModel judge = new ScriptedModel("openai:judge", r -> goodIsA(r) ? options("A", 0.9, 0.1) : options("A", 0.3, 0.7));
        Tally tally = new Tally();
        var stage = new FeedbackLabeling(target, judge, principles, FeedbackLabeling.Settings.defaults(), tally);
        PreferenceRecord r = stage.run(prompt).getFirst();

        assertThat(r.chosen().getLast()).isEqualTo(Message.assistant(GOOD));
        assertThat(r.rejected().getLast()).isEqualTo(Message.assistant(BAD));
        assertThat(r.softLabel()).isCloseTo(0.8, within(1e-9));
        assertThat(r.method()).isEqualTo("option-probabilities");
        assertThat(r.agreement()).isEqualTo(1.0);
        assertThat(r.principles()).hasSize(2).doesNotHaveDuplicates();
        assertThat(r.samples()).containsExactly(1, 0);
        assertThat(r.votes()).hasSize(4).extracting(PreferenceRecord.Vote::order).containsExactly("AB", "BA", "AB", "BA");
        assertThat(r.prompt()).isEqualTo(prompt.messages());

        // two samples, distinct sample indices; each judgement asks for the options' probabilities
        assertThat(target.requests).extracting(ChatRequest::sampleIndex).containsExactly(0, 1);
        assertThat(judge.requests).hasSize(4).allSatisfy(q -> {
            assertThat(q.options()).isEqualTo(FeedbackLabeling.OPTIONS);
            assertThat(q.template()).isEqualTo(FeedbackLabeling.CHOICE.version());
        });
        // the question is asked in both orders
        assertThat(judge.requests.stream().filter(FeedbackLabelingTest::goodIsA)).hasSize(2);
    }

    @Test
    void positionBiasShowsAsDisagreementBetweenOrders() {
        // a judge that always prefers option A
        ScriptedModel judge = new ScriptedModel("openai:judge", r -> options("A", 0.8, 0.2));
        var stage = new FeedbackLabeling(target, judge, principles, FeedbackLabeling.Settings.defaults().withPrinciples(1), new Tally());
        PreferenceRecord r = stage.run(prompt).getFirst();
        assertThat(r.softLabel()).isCloseTo(0.5, within(1e-9));
        assertThat(r.agreement()).isEqualTo(0.0);
    }

    @Test
    void withoutOptionProbabilitiesTheVerdictIsChainOfThoughtClampedToFortySixty() {
        // like Anthropic: no probabilities; the chain-of-thought verdict picks the good answer
        ScriptedModel judge = new ScriptedModel("anthropic:judge", r -> {
            if (r.template().equals(FeedbackLabeling.CHOICE.version())) return text("A");
            String answer = goodIsA(r) ? "A" : "B";
            return text("{\"reasoning\": \"Option " + answer + " refuses to help with violence.\", \"answer\": \"" + answer + "\"}");
        });
        Tally tally = new Tally();
        var stage = new FeedbackLabeling(target, judge, principles, FeedbackLabeling.Settings.defaults(), tally);
        PreferenceRecord r = stage.run(prompt).getFirst();
        assertThat(r.method()).isEqualTo("chain-of-thought");
        assertThat(r.chosen().getLast().content()).isEqualTo(GOOD);
        assertThat(r.softLabel()).isCloseTo(0.6, within(1e-9));
        assertThat(r.votes()).allSatisfy(v -> {
            assertThat(v.probabilityA()).isIn(0.4, 0.6);
            assertThat(v.reasoning()).contains("refuses");
        });
        assertThat(r.agreement()).isEqualTo(1.0);
        // the provider was probed once for probabilities; every later question went straight to chain of thought
        assertThat(judge.withTemplate(FeedbackLabeling.CHOICE)).hasSize(1);
        List<ChatRequest> cot = judge.withTemplate(FeedbackLabeling.CHAIN_OF_THOUGHT);
        assertThat(cot).hasSize(4).allSatisfy(q -> {
            assertThat(q.jsonSchema()).contains("\"reasoning\"").contains("\"answer\"");
            assertThat(q.options()).isEmpty();
        });
    }

    @Test
    void aVerdictInPlainTextIsStillRead() {
        assertThat(FeedbackLabeling.verdict("Let's think step by step: ... So the answer is: (B)")).map(FeedbackLabeling.Verdict::answer).contains("B");
        assertThat(FeedbackLabeling.verdict("```json\n{\"reasoning\":\"x\",\"answer\":\"A\"}\n```")).map(FeedbackLabeling.Verdict::answer).contains("A");
        assertThat(FeedbackLabeling.verdict("I cannot decide.")).isEmpty();
    }

    @Test
    void unreadableVerdictsLeaveThePairOut() {
        ScriptedModel judge = new ScriptedModel("anthropic:judge", r -> text("I would rather not say."));
        Tally tally = new Tally();
        var stage = new FeedbackLabeling(target, judge, principles,
                FeedbackLabeling.Settings.defaults().withMode(FeedbackLabeling.Mode.CHAIN_OF_THOUGHT), tally);
        assertThat(stage.run(prompt)).isEmpty();
        assertThat(tally.rejected()).containsEntry("feedback unreadable", 1).containsEntry("unreadable chain-of-thought verdict", 4);
    }

    @Test
    void nSamplesGiveEveryPairAndIdenticalSamplesAreSkipped() {
        ScriptedModel three = new ScriptedModel("openai:t", r -> text(r.sampleIndex() == 2 ? BAD : r.sampleIndex() == 0 ? BAD : GOOD));
        ScriptedModel judge = new ScriptedModel("openai:judge", r -> goodIsA(r) ? options("A", 0.9, 0.1) : options("A", 0.1, 0.9));
        Tally tally = new Tally();
        var stage = new FeedbackLabeling(three, judge, principles, FeedbackLabeling.Settings.defaults().withSamples(3), tally);
        List<PreferenceRecord> rs = stage.run(prompt);
        assertThat(rs).hasSize(2); // (0,1) and (1,2); (0,2) are the same text
        assertThat(tally.rejected()).containsEntry("identical samples", 1);
        assertThat(rs).allSatisfy(r -> assertThat(r.softLabel()).isCloseTo(0.9, within(1e-9)));
        assertThat(rs).extracting(PreferenceRecord::id).doesNotHaveDuplicates();
    }

    @Test
    void feedbackPrinciplesInThePapersFormatLoadAsIs() {
        List<FeedbackPrinciple> ps = FeedbackPrinciple.load(Path.of("examples/feedback-principles.json"));
        assertThat(ps).hasSize(6);
        assertThat(ps.getFirst().id()).isEqualTo("feedback-principles#0");
        assertThat(ps).allSatisfy(p -> assertThat(p.question()).doesNotEndWith("Options:"));
        ScriptedModel judge = new ScriptedModel("openai:judge", r -> goodIsA(r) ? options("A", 0.9, 0.1) : options("A", 0.1, 0.9));
        new FeedbackLabeling(target, judge, ps, FeedbackLabeling.Settings.defaults(), new Tally()).run(prompt);
        assertThat(last(judge.requests.getFirst())).contains("Options:\n(A) ").containsAnyOf(ps.stream().map(FeedbackPrinciple::question).toArray(String[]::new));
    }
}
