package cai4j.testserver;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * One request the test server received.
 *
 * @param seq      arrival number, from 1
 * @param protocol which wire protocol it came in
 * @param headers  request headers, names in lower case
 * @param body     the JSON body
 * @param receivedNanos {@link System#nanoTime()} when the request had been read
 */
public record Call(long seq, Protocol protocol, Map<String, String> headers, JsonNode body, long receivedNanos) {

    public enum Protocol { OPENAI, ANTHROPIC }

    public String model() { return body.path("model").asText(); }

    /** The system prompt (Anthropic's top-level system, or OpenAI's system/developer messages), or "". */
    public String system() {
        if (protocol == Protocol.ANTHROPIC) {
            JsonNode s = body.path("system");
            if (s.isTextual()) return s.asText();
            StringBuilder b = new StringBuilder();
            for (JsonNode block : s) b.append(block.path("text").asText());
            return b.toString();
        }
        StringBuilder b = new StringBuilder();
        for (JsonNode m : body.path("messages")) {
            String role = m.path("role").asText();
            if (role.equals("system") || role.equals("developer")) b.append(text(m.path("content")));
        }
        return b.toString();
    }

    /** The conversation without the system prompt, as role/content pairs. */
    public List<Map.Entry<String, String>> turns() {
        List<Map.Entry<String, String>> out = new ArrayList<>();
        for (JsonNode m : body.path("messages")) {
            String role = m.path("role").asText();
            if (!role.equals("system") && !role.equals("developer")) out.add(Map.entry(role, text(m.path("content"))));
        }
        return out;
    }

    /** The text of the last user message. */
    public String lastUser() {
        String last = "";
        for (Map.Entry<String, String> t : turns()) if (t.getKey().equals("user")) last = t.getValue();
        return last;
    }

    /** The bearer or x-api-key credential the client sent. */
    public String apiKey() {
        String auth = headers.getOrDefault("authorization", "");
        if (auth.startsWith("Bearer ")) return auth.substring(7);
        return headers.getOrDefault("x-api-key", "");
    }

    private static String text(JsonNode content) {
        if (content.isTextual()) return content.asText();
        StringBuilder b = new StringBuilder();
        for (JsonNode part : content) b.append(part.path("text").asText());
        return b.toString();
    }
}
