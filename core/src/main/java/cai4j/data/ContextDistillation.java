package cai4j.data;

import cai4j.constitution.ConstitutionPrompt;
import cai4j.InputError;
import cai4j.constitution.Clause;
import cai4j.constitution.Constitution;
import cai4j.model.LanguageModel;
import cai4j.model.Message;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Context distillation (Askell et al. 2021; Snell et al. 2022): the target answers with the
 * constitution as its system prompt, and the record keeps the conversation without it, so a model
 * fine-tuned on it behaves as if prompted. The constitution comes first and is byte-for-byte the
 * same in every request, so providers with prompt caching bill it once; a system message of the
 * prompt itself follows it.
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
    }

    public static final Template ANSWER = new Template("distill-answer", "{{constitution}}\n\n{{system}}");

    private final LanguageModel target;
    private final Settings settings;
    private final Tally tally;
    private final String systemPrompt;
    private final List<String> clauseIds;

    public ContextDistillation(LanguageModel target, Constitution constitution, Settings settings, Tally tally) {
        this.target = target;
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

    public List<DistillRecord> run(Prompt prompt) {
        String ownSystem = String.join("\n\n", prompt.messages().stream().filter(m -> m.role().equals("system")).map(Message::content).toList());
        List<Message> request = new ArrayList<>();
        request.add(Message.system(ANSWER.render(Map.of("constitution", systemPrompt, "system", ownSystem)).strip()));
        request.addAll(prompt.messages().stream().filter(m -> !m.role().equals("system")).toList());
        String response = tally.count(target.complete(Requests.of(request, ANSWER, settings.temperature(), settings.maxTokens()))).text().strip();
        if (response.isEmpty()) {
            tally.reject("empty response");
            return List.of();
        }
        return List.of(new DistillRecord(prompt.id(), prompt.origin(), prompt.messages(), response,
                CritiqueRevision.with(prompt.messages(), response), clauseIds, Hash.sha256(systemPrompt),
                Map.of("target", target.spec().toString())));
    }
}
