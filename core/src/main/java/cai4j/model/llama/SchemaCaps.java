package cai4j.model.llama;

import cai4j.Json;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;

/**
 * Bounds on the free parts of a JSON schema before it becomes the embedded model's grammar: every
 * string without a length limit gets {@link #STRING_CHARS} characters at most, every array without
 * an item limit {@link #ARRAY_ITEMS} items.
 *
 * <p>Why: a 1.5B model's reasoning does not improve past a paragraph, and a small model that loses
 * its way never closes the string it is writing, so the answer runs to its token cap and is cut
 * off unparsable (a wasted call, and a repair call after it). The grammar closes the string at the
 * limit instead, so the answer always ends and parses. Remote providers get the schema as the stage
 * wrote it (strict structured outputs refuse {@code maxLength}).
 */
final class SchemaCaps {
    /** About 120 tokens of English: a paragraph of reasoning, a scenario's message, its expectations. */
    static final int STRING_CHARS = 500;
    static final int ARRAY_ITEMS = 4;

    private SchemaCaps() {}

    static String apply(String schema) {
        JsonNode root;
        try {
            root = Json.MAPPER.readTree(schema);
        } catch (IOException e) {
            return schema; // llama.cpp reports what is wrong with it
        }
        cap(root);
        return Json.write(root);
    }

    private static void cap(JsonNode node) {
        if (node instanceof ObjectNode o) {
            String type = o.path("type").asText("");
            boolean bounded = o.has("enum") || o.has("const") || o.has("pattern") || o.has("format");
            if (type.equals("string") && !bounded && !o.has("maxLength")) o.put("maxLength", STRING_CHARS);
            if (type.equals("array") && !o.has("maxItems")) o.put("maxItems", Math.max(ARRAY_ITEMS, o.path("minItems").asInt(0)));
        }
        if (node.isContainerNode()) node.forEach(SchemaCaps::cap);
    }
}
