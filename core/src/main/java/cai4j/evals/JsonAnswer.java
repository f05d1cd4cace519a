package cai4j.evals;

import cai4j.Json;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.io.JsonEOFException;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Finds the JSON objects in a model's answer. Models wrap JSON in ```json fences, put prose before
 * or after it, or get cut off mid-object; this reads through the first two and names the third.
 *
 * @param objects the top-level JSON objects found, in order
 * @param problem why nothing usable was found ("" when objects is not empty)
 */
record JsonAnswer(List<JsonNode> objects, String problem) {

    private static final Pattern FENCE = Pattern.compile("```[a-zA-Z]*\\s*\\n(.*?)```", Pattern.DOTALL);

    static JsonAnswer read(String text) {
        String body = text.strip();
        Matcher fence = FENCE.matcher(body);
        if (fence.find()) body = fence.group(1);
        else if (body.startsWith("```")) body = body.replaceFirst("^```[a-zA-Z]*\\s*", ""); // opened fence, cut off
        List<JsonNode> found = new ArrayList<>();
        String problem = "";
        int i = body.indexOf('{');
        if (i < 0) return new JsonAnswer(List.of(), body.isEmpty() ? "the answer is empty" : "the answer contains no JSON object");
        int bracket = body.indexOf('[');
        if (bracket >= 0 && bracket < i && body.substring(0, bracket).isBlank()) {
            // a bare array around the object: the caller asked for an object, and guessing which element is meant is not safe
            return new JsonAnswer(List.of(), "the answer is a JSON array, not the JSON object asked for");
        }
        while (i >= 0) {
            try (JsonParser p = Json.MAPPER.createParser(body.substring(i))) {
                JsonNode node = Json.MAPPER.readTree(p);
                found.add(node);
                int consumed = (int) p.currentLocation().getCharOffset();
                i = body.indexOf('{', i + Math.max(consumed, 1));
            } catch (JsonEOFException e) {
                if (found.isEmpty()) problem = "the JSON in the answer is cut off before it ends (truncated)";
                break; // nothing after an unfinished object can be trusted
            } catch (JsonProcessingException e) {
                if (found.isEmpty() && problem.isEmpty()) problem = "the JSON in the answer is malformed: " + e.getOriginalMessage();
                i = body.indexOf('{', i + 1);
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }
        if (!found.isEmpty()) problem = "";
        return new JsonAnswer(List.copyOf(found), problem);
    }
}
