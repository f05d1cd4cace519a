package cai4j.evals;

/** Answers of a scripted generator that tests in several packages share. */
public final class ScriptedGenerator {
    private ScriptedGenerator() {}

    /**
     * The answer to a request for conflict partners: the first three rules of the list the
     * generator was shown (fewer when the list is shorter), each with a reason; null for any other
     * request.
     */
    public static String pairs(String prompt) {
        if (!prompt.contains("Rules of other tiers, numbered")) return null;
        StringBuilder sb = new StringBuilder("{\"pairs\": [");
        for (int n = 1; n <= 3 && prompt.contains("\n" + n + ". ("); n++) {
            sb.append(n == 1 ? "" : ", ").append("{\"rule\": ").append(n).append(", \"reason\": \"tension ").append(n).append("\"}");
        }
        return sb.append("]}").toString();
    }

    /** {@link #pairs(String)} for the last message of {@code r}: what the generator was just asked. */
    public static String pairs(cai4j.model.ChatRequest r) {
        return pairs(cai4j.testmodel.ScriptedModel.last(r));
    }

    /**
     * The answer to a relevance request (see {@link Relevance}): every numbered rule of the list
     * shown whose text contains {@code word}, with the reason "touches &lt;word&gt;"; null for any other request.
     */
    public static String relevant(String prompt, String word) {
        if (!prompt.contains("Rules, numbered:")) return null;
        StringBuilder sb = new StringBuilder("{\"rules\": [");
        String sep = "";
        for (String line : prompt.lines().toList()) {
            var m = java.util.regex.Pattern.compile("^(\\d+)\\. (.*)$").matcher(line);
            if (m.matches() && m.group(2).toLowerCase(java.util.Locale.ROOT).contains(word)) {
                sb.append(sep).append("{\"rule\": ").append(m.group(1)).append(", \"reason\": \"touches ").append(word).append("\"}");
                sep = ", ";
            }
        }
        return sb.append("]}").toString();
    }
}
