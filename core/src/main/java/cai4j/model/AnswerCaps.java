package cai4j.model;

import cai4j.Json;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.util.Iterator;
import java.util.Map;

/**
 * Length limits a stage writes into its answer schema for the embedded model, and what becomes of
 * them on each side.
 *
 * <p>A stage marks a string with {@value #MAX_LENGTH} (characters) and an array with
 * {@value #MAX_ITEMS}, next to a {@value #WHY} that says why that size. The embedded model turns
 * them into {@code maxLength}/{@code maxItems} of its grammar, where an unmarked string gets
 * {@link #STRING_CHARS} characters and an unmarked array {@link #ARRAY_ITEMS} items. Remote
 * providers get the schema without them ({@link #remote}): strict structured outputs refuse
 * {@code maxLength} and unknown keywords, and a remote model is not paid in seconds of this machine.
 */
public final class AnswerCaps {
    public static final String MAX_LENGTH = "x-embedded-maxLength";
    public static final String MAX_ITEMS = "x-embedded-maxItems";
    public static final String WHY = "x-embedded-why";
    private static final String PREFIX = "x-embedded-";

    /** About 120 tokens of English: the limit of a string no stage has sized. */
    public static final int STRING_CHARS = 500;
    public static final int ARRAY_ITEMS = 4;
    /**
     * Characters of English per token of the usual tokenizers, for estimates only: the bound that
     * an answer always ends is counted on the grammar itself, at one token per byte.
     */
    public static final double CHARS_PER_TOKEN = 4.0;

    private AnswerCaps() {}

    /** About how many tokens {@code chars} characters of English are ({@link #CHARS_PER_TOKEN}); for estimates only. */
    public static long tokens(double chars) {
        return Math.round(chars / CHARS_PER_TOKEN);
    }

    /** The schema as a remote provider gets it: the embedded model's limits taken out. */
    public static String remote(String schema) {
        JsonNode root = read(schema);
        if (root == null || !schema.contains(PREFIX)) return schema;
        strip(root);
        return Json.write(root);
    }

    /** The schema as the embedded model's grammar is built from: every free string and array bounded. */
    public static String embedded(String schema) {
        JsonNode root = read(schema);
        if (root == null) return schema; // llama.cpp reports what is wrong with it
        bound(root);
        return Json.write(root);
    }

    /**
     * About how many tokens an answer of this schema takes when a model writes its strings to half
     * their limit (a model that follows a length limit seldom fills it): for plans, not for bounds.
     */
    public static long typicalTokens(String schema) {
        JsonNode root = read(embedded(schema));
        if (root == null) return 0;
        return tokens(typicalChars(root));
    }

    private static double typicalChars(JsonNode n) {
        String type = n.path("type").asText("");
        return switch (type) {
            case "object" -> {
                double sum = 2;
                for (Iterator<Map.Entry<String, JsonNode>> it = n.path("properties").properties().iterator(); it.hasNext(); ) {
                    var e = it.next();
                    sum += e.getKey().length() + 4 + typicalChars(e.getValue());
                }
                yield sum;
            }
            // half the items a stage allows, at least the one most answers hold
            case "array" -> 2 + Math.max(1, n.path("maxItems").asInt(ARRAY_ITEMS) / 2.0) * (typicalChars(n.path("items")) + 1);
            case "string" -> n.has("maxLength") ? 2 + n.get("maxLength").asInt() / 2.0 : 12;
            default -> 4;
        };
    }

    private static JsonNode read(String schema) {
        try {
            return Json.MAPPER.readTree(schema);
        } catch (IOException e) {
            return null;
        }
    }

    private static void strip(JsonNode node) {
        if (node instanceof ObjectNode o) o.properties().removeIf(e -> e.getKey().startsWith(PREFIX));
        if (node.isContainerNode()) node.forEach(AnswerCaps::strip);
    }

    private static void bound(JsonNode node) {
        if (node instanceof ObjectNode o) {
            String type = o.path("type").asText("");
            boolean fixed = o.has("enum") || o.has("const") || o.has("pattern") || o.has("format");
            if (type.equals("string") && !fixed) {
                int cap = o.path(MAX_LENGTH).asInt(STRING_CHARS);
                o.put("maxLength", o.has("maxLength") ? Math.min(o.get("maxLength").asInt(), cap) : cap);
            }
            if (type.equals("array")) {
                int cap = Math.max(o.path(MAX_ITEMS).asInt(ARRAY_ITEMS), o.path("minItems").asInt(0));
                o.put("maxItems", o.has("maxItems") ? Math.min(o.get("maxItems").asInt(), cap) : cap);
            }
            o.properties().removeIf(e -> e.getKey().startsWith(PREFIX));
        }
        if (node.isContainerNode()) node.forEach(AnswerCaps::bound);
    }
}
