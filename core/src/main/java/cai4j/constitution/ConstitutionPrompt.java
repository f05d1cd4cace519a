package cai4j.constitution;

import cai4j.model.Message;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Collectors;

/**
 * The constitution as a model is given it: the document as written (its Markdown, context
 * included; a principle list's principles as a plain list), never clause ids, which stay in judge
 * prompts and records. The evaluations' {@code prompted} and {@code attacked} conditions, context
 * distillation and the exports use the same text, so distillation trains exactly the behaviour
 * that was measured. It depends only on the constitution, so it is the same first bytes of every
 * request and providers can cache it.
 */
public final class ConstitutionPrompt {
    private ConstitutionPrompt() {}

    /** Changes whenever the wording below changes; recorded with the templates of a run. */
    public static final String VERSION = "constitution-prompt@4";

    /** Between two system prompts of one conversation, where a conversation has several. */
    static final String SEPARATOR = "\n\n---\n\n";

    /** The whole constitution as written. */
    public static String render(Constitution c) {
        return c.text().isBlank() ? list(c.title(), c.tiers(), c.clauses()) : c.text();
    }

    /**
     * Only the given clauses: the document's text cannot be cut to them, so their words are listed
     * under their tiers. All the clauses give the document as written.
     */
    public static String render(Constitution c, List<Clause> clauses) {
        if (clauses.equals(c.clauses())) return render(c);
        return list(c.title(), c.tiers(), clauses);
    }

    /**
     * A conversation with the constitution as its system prompt: a first system message that is the
     * constitution alone, byte for byte the same in every request, so that providers serve it from
     * their prompt cache (Anthropic marks it as its own cached block; OpenAI caches the longest
     * prefix seen before); then the conversation's own system prompt (an operator's) as a second
     * system message, then the other turns as they were. Nothing that changes per call comes
     * before the constitution.
     */
    public static List<Message> withConstitution(String constitution, List<Message> conversation) {
        List<Message> out = new ArrayList<>();
        out.add(Message.system(constitution));
        String operator = conversation.stream().filter(m -> m.role().equals("system") && !m.content().isBlank())
                .map(m -> m.content().strip()).collect(Collectors.joining(SEPARATOR));
        if (!operator.isEmpty()) out.add(Message.system(operator));
        for (Message m : conversation) if (!m.role().equals("system")) out.add(m);
        return List.copyOf(out);
    }

    /**
     * Principles as a plain Markdown list: the title, then each tier in priority order with the
     * words of its clauses. Tier headings only when there is an order to tell.
     */
    static String list(String title, List<Tier> tiers, List<Clause> clauses) {
        StringBuilder sb = new StringBuilder("# ").append(title.isBlank() ? "Constitution" : title.strip()).append("\n\n");
        List<Tier> used = tiers.stream().filter(t -> clauses.stream().anyMatch(c -> c.tier().equals(t.id())))
                .sorted(Comparator.comparingInt(Tier::rank)).toList();
        List<Clause> orphans = clauses.stream().filter(c -> tiers.stream().noneMatch(t -> t.id().equals(c.tier()))).toList();
        if (used.size() + (orphans.isEmpty() ? 0 : 1) <= 1) {
            return sb.append(items(clauses)).toString().strip();
        }
        sb.append("The sections below are in priority order: when two principles conflict, the one in the earlier section wins.\n\n");
        for (Tier t : used) {
            sb.append("## ").append(t.id());
            if (!t.description().isBlank()) sb.append(": ").append(t.description().strip());
            sb.append("\n\n").append(items(clauses.stream().filter(c -> c.tier().equals(t.id())).toList())).append("\n\n");
        }
        // clauses whose tier is not declared still belong to the constitution
        if (!orphans.isEmpty()) sb.append("## Other principles\n\n").append(items(orphans));
        return sb.toString().strip();
    }

    private static String items(List<Clause> clauses) {
        return clauses.stream().map(c -> "- " + c.text().strip().replace("\n", "\n  ")).collect(Collectors.joining("\n"));
    }
}
