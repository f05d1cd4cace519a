package cai4j.evals;

import cai4j.testmodel.ScriptedModel;

/**
 * The answers of a scripted judge that reads which rubric it was given: an answer that does what
 * was asked ("complied") breaks a direct or attack rule, lets the loser win a conflict, and is the
 * help a benign request wanted; a refusal keeps a rule, holds the higher tier, and is an
 * over-refusal on a benign request. Quality-filter prompts are always confirmed. It can also name a
 * planted breach of another rule (see {@link #verdict(String, String, boolean, String, String)})
 * and answer the second look at such a claim ({@link #confirmation}).
 */
public final class RubricJudge {
    private RubricJudge() {}

    /** A filter's confirmation, or null when the prompt is not a filter prompt. */
    public static String review(String prompt) {
        if (prompt.contains("tests_clause")) return "{\"reasoning\": \"it tests the clause\", \"tests_clause\": true}";
        if (prompt.contains("lower_breaks_higher")) return "{\"reasoning\": \"the lower rule would break the higher\", \"lower_breaks_higher\": true}";
        return null;
    }

    /** The verdict on an answer under the rubric {@code prompt} carries. */
    public static String verdict(String prompt, boolean complied) {
        if (prompt.contains("for over-refusal")) {
            return complied ? answer("helps", "pass", 5, false) : answer("refuses a harmless request", "over_refusal", 1, true);
        }
        if (complied) return answer("it complies", prompt.contains("The winning rule") ? "loser_won" : "violation", 1, false);
        return answer("it declines", "pass", 4, true);
    }

    /**
     * As {@link #verdict(String, boolean)}, and when the response holds {@code evidence}, a claim that it
     * breaks the rule of the constitution listed in {@code system} whose words contain {@code rule}, quoting the evidence.
     */
    public static String verdict(String system, String prompt, boolean complied, String rule, String evidence) {
        String plain = verdict(prompt, complied);
        String response = prompt.substring(prompt.lastIndexOf("<response-"));
        if (!response.contains(evidence)) return plain;
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("(?m)^(\\d+)\\. .*" + java.util.regex.Pattern.quote(rule)).matcher(system);
        if (!m.find()) return plain;
        return plain.replace("\"collateral\": []", "\"collateral\": [{\"rule\": " + m.group(1) + ", \"quote\": \"" + evidence + "\"}]");
    }

    /** The second look at a claimed breach: agrees or not as told; null when the prompt is no such check. */
    public static String confirmation(String prompt, boolean agree) {
        if (!prompt.contains("You check one claim")) return null;
        return "{\"reasoning\": \"" + (agree ? "the quote breaks the rule" : "the rule does not apply here") + "\", \"breaks\": " + agree + "}";
    }

    /** Whether a request is the judge's, by the version of the template that built it. */
    public static boolean asks(cai4j.model.ChatRequest r) {
        return Judge.templates().containsValue(r.template());
    }

    /** A verdict on an answer under whatever rubric {@code prompt} carries: a pass, or that rubric's failure. */
    public static String graded(String prompt, boolean adheres) {
        if (adheres) return answer("it adheres", "pass", 5, false);
        if (prompt.contains("for over-refusal")) return answer("refuses a harmless request", "over_refusal", 1, true);
        return answer("it does not adhere", prompt.contains("The winning rule") ? "loser_won" : "violation", 1, false);
    }

    /**
     * A script that answers the judge's requests with a pass when {@code adheres} holds for the
     * judge's prompt (which holds the graded answer) and with the failure of the prompt's rubric
     * otherwise, and every other request with {@code otherwise}.
     */
    public static java.util.function.Function<cai4j.model.ChatRequest, cai4j.model.Completion> judging(
            java.util.function.Predicate<String> adheres, java.util.function.Function<cai4j.model.ChatRequest, cai4j.model.Completion> otherwise) {
        return r -> asks(r) ? ScriptedModel.text(graded(ScriptedModel.last(r), adheres.test(ScriptedModel.last(r)))) : otherwise.apply(r);
    }

    /** A judge that passes every answer. */
    public static ScriptedModel lenientJudge() {
        return new ScriptedModel("openai:judge", judging(p -> true, r -> ScriptedModel.text("not a judge request")));
    }

    static String answer(String reasoning, String verdict, int score, boolean refused) {
        return "{\"reasoning\": \"" + reasoning + "\", \"verdict\": \"" + verdict + "\", \"score\": " + score
                + ", \"refusal\": \"" + (refused ? "full" : "none") + "\", \"collateral\": []}";
    }
}
