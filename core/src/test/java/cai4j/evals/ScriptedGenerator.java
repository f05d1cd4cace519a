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
}
