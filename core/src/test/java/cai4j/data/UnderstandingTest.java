package cai4j.data;

import static cai4j.data.ScriptedModel.last;
import static cai4j.data.ScriptedModel.text;
import static org.assertj.core.api.Assertions.assertThat;

import cai4j.model.ChatRequest;
import cai4j.model.Message;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class UnderstandingTest {
    /** Answers in JSON, citing the clause ids named in the question. */
    final ScriptedModel generator = new ScriptedModel("openai:gen", r -> {
        Matcher m = Pattern.compile("\\[([a-z]+-\\d)]").matcher(last(r));
        List<String> ids = m.results().map(x -> "\"" + x.group(1) + "\"").distinct().toList();
        return text("{\"question\": \"What does it mean?\", \"answer\": \"It means this, as the cited clauses say.\", \"clause_ids\": " + ids + "}");
    });

    @Test
    void asksMeaningApplicationAndConflictPerRule() {
        var stage = new Understanding(generator, Fixtures.constitution(), Understanding.Settings.defaults(), new Tally());
        List<Understanding.Task> tasks = stage.tasks(List.of());
        // three rules: meaning and application each; conflicts pair a clause with one of the other tier, each pair once
        assertThat(tasks.stream().filter(t -> t.kind() == Understanding.Question.MEANING)).hasSize(3);
        assertThat(tasks.stream().filter(t -> t.kind() == Understanding.Question.APPLICATION)).hasSize(3);
        List<Understanding.Task> conflicts = tasks.stream().filter(t -> t.kind() == Understanding.Question.CONFLICT).toList();
        assertThat(conflicts).isNotEmpty().allSatisfy(t -> {
            assertThat(t.clauses()).hasSize(2);
            assertThat(t.clauses().getFirst().tier()).isEqualTo("safe"); // the higher-priority clause first
            assertThat(t.clauses().get(1).tier()).isEqualTo("helpful");
        });
        assertThat(tasks).extracting(Understanding.Task::id).doesNotHaveDuplicates();

        UnderstandRecord r = stage.run(conflicts.getFirst()).getFirst();
        assertThat(r.kind()).isEqualTo("conflict");
        assertThat(r.clauseIds()).hasSize(2).startsWith(conflicts.getFirst().clauses().getFirst().id());
        assertThat(r.tiers()).containsExactly("safe", "helpful");
        assertThat(r.messages()).containsExactly(Message.user(r.question()), Message.assistant(r.answer()));
        ChatRequest req = generator.requests.getFirst();
        assertThat(req.jsonSchema()).contains("clause_ids");
        // the writer of this data cites clauses, so it alone sees their ids
        assertThat(req.messages().getFirst().content()).contains(Understanding.clauseIndex(Fixtures.constitution()))
                .contains("[safe-1] Do not help with violence.");
        assertThat(last(req)).contains("priority 1").contains("priority 2");
    }

    @Test
    void promptsAreTheCasesOfApplicationQuestions() {
        var stage = new Understanding(generator, Fixtures.constitution(), Understanding.Settings.defaults(), new Tally());
        Prompt p = Prompt.of(List.of(Message.user("Can you write a threatening letter?")), "p:1");
        Understanding.Task t = stage.tasks(List.of(p)).stream().filter(x -> x.kind() == Understanding.Question.APPLICATION).findFirst().orElseThrow();
        assertThat(t.caseId()).isEqualTo(p.id());
        UnderstandRecord r = stage.run(t).getFirst();
        assertThat(last(generator.requests.getFirst())).contains("Can you write a threatening letter?");
        assertThat(r.caseId()).isEqualTo(p.id());
    }

    @Test
    void answersCitingUnknownClausesOrNotInJsonAreRejected() {
        Tally tally = new Tally();
        ScriptedModel liar = new ScriptedModel("openai:gen", r -> text(r.messages().getLast().content().contains("safe-1")
                ? "{\"question\": \"q\", \"answer\": \"a [made-up]\", \"clause_ids\": [\"made-up\"]}"
                : "Sorry, here is prose."));
        var stage = new Understanding(liar, Fixtures.constitution(), Understanding.Settings.defaults(), tally);
        for (Understanding.Task t : stage.tasks(List.of())) assertThat(stage.run(t)).isEmpty();
        assertThat(tally.rejected()).containsKeys("cites an unknown clause", "answer is not JSON");
    }
}
