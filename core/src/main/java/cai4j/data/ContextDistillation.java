package cai4j.data;

import cai4j.Hash;
import cai4j.constitution.ConstitutionPrompt;
import cai4j.InputError;
import cai4j.constitution.Clause;
import cai4j.constitution.Constitution;
import cai4j.evals.Scenario;
import cai4j.evals.Template;
import cai4j.model.Completion;
import cai4j.model.LanguageModel;
import cai4j.model.Message;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Context distillation (Askell et al. 2021; Snell et al. 2022): the target answers with the
 * constitution as its system prompt, and the record keeps the conversation without it, so a model
 * fine-tuned on it behaves as if prompted. The constitution comes first and is byte-for-byte the
 * same in every request, so providers with prompt caching bill it once; a system message of the
 * prompt itself follows it. An answer is kept only when the judge accepts it ({@link Acceptance}).
 */
public final class ContextDistillation {

    /**
     * @param clauseIds   the clauses to put in the system prompt; empty for the whole constitution
     * @param temperature sampling temperature
     * @param maxTokens   limit of each answer
     * @param parallelism prompts worked on at once
     */
    public record Settings(List<String> clauseIds, double temperature, int maxTokens, int parallelism) {
        public Settings {
            clauseIds = List.copyOf(clauseIds);
        }

        public static Settings defaults() {
            return new Settings(List.of(), 0.0, 1024, 8);
        }

        public Settings withMaxTokens(int n) { return new Settings(clauseIds, temperature, n, parallelism); }
    }

    /**
     * Names the requests of this stage in the ledger; the request itself is the prompt with the
     * constitution put first ({@link ConstitutionPrompt#withConstitution}), whose version this follows.
     */
    public static final Template ANSWER = Template.inline("distill-answer", "the prompt answered under " + ConstitutionPrompt.VERSION);

    private final LanguageModel target;
    private final Settings settings;
    private final Tally tally;
    private final String systemPrompt;
    private final List<String> clauseIds;
    private final Acceptance acceptance;

    public ContextDistillation(LanguageModel target, Constitution constitution, Settings settings, Acceptance acceptance, Tally tally) {
        this.target = target;
        this.acceptance = acceptance;
        this.settings = settings;
        this.tally = tally;
        List<Clause> clauses = constitution.clauses();
        if (!settings.clauseIds().isEmpty()) {
            Set<String> wanted = Set.copyOf(settings.clauseIds());
            for (String id : wanted) {
                if (constitution.clause(id).isEmpty()) throw new InputError("--clauses names '" + id + "', which is not a clause of the constitution.");
            }
            clauses = clauses.stream().filter(c -> wanted.contains(c.id())).toList();
        }
        // the document as written, or with --clauses the chosen clauses' words; never their ids
        this.systemPrompt = ConstitutionPrompt.render(constitution, clauses);
        this.clauseIds = clauses.stream().map(Clause::id).toList();
    }

    public String systemPrompt() {
        return systemPrompt;
    }

    public static Map<String, String> templates() {
        Map<String, String> t = new LinkedHashMap<>();
        t.put(ANSWER.name(), ANSWER.version());
        t.put("constitution-prompt", ConstitutionPrompt.VERSION);
        return t;
    }

    /**
     * Answers one prompt with the constitution; empty when the answer may not be trained on: cut
     * off by its token limit, empty, or not passed by the judge under the scenario's rubric (for a
     * prompt that is no scenario, the highest-ranked clause the relevance pass finds it touches).
     */
    public List<DistillRecord> run(Prompt prompt) {
        List<Message> request = ConstitutionPrompt.withConstitution(systemPrompt, prompt.messages());
        Completion answer = tally.count(target.complete(Requests.of(request, ANSWER, settings.temperature(), settings.maxTokens())));
        String response = answer.text().strip();
        if (Acceptance.truncated(answer)) {
            tally.reject("truncated response");
            return List.of();
        }
        if (response.isEmpty()) {
            tally.reject("empty response");
            return List.of();
        }
        List<Check> checks = acceptance.grade(acceptance.rubrics(prompt.scenario(), List.of(), prompt), prompt.messages(), response, prompt.id());
        String why = Acceptance.verdict(checks);
        if (!why.isEmpty()) {
            tally.reject("response " + why);
            return List.of();
        }
        Map<String, String> models = new LinkedHashMap<>();
        models.put("target", target.spec().toString());
        if (!checks.isEmpty()) models.put("judge", acceptance.judgeSpec());
        return List.of(new DistillRecord(prompt.id(), prompt.origin(), prompt.messages(), response,
                CritiqueRevision.with(prompt.messages(), response), clauseIds, Hash.sha256(systemPrompt), models, checks));
    }
}
