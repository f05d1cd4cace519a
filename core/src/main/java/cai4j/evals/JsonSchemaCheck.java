package cai4j.evals;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * Validates a JSON value against the subset of JSON Schema the evals templates use: type,
 * properties, required, additionalProperties=false, enum, items, minItems, maxItems, minLength,
 * minimum, maximum. Providers that honour structured output still slip (small local models,
 * truncation), so every answer is checked here before it is trusted.
 */
final class JsonSchemaCheck {
    private JsonSchemaCheck() {}

    /** Returns the problems found, each naming the JSON path; empty when the value is valid. */
    static List<String> validate(JsonNode schema, JsonNode value) {
        List<String> errors = new ArrayList<>();
        check(schema, value, "$", errors);
        return errors;
    }

    private static void check(JsonNode schema, JsonNode value, String path, List<String> errors) {
        String type = schema.path("type").asText("");
        if (!type.isEmpty() && !hasType(value, type)) {
            errors.add(path + " should be " + type + " but is " + describe(value));
            return;
        }
        if (schema.has("enum")) {
            boolean found = false;
            for (JsonNode e : schema.get("enum")) found |= e.equals(value);
            if (!found) errors.add(path + " should be one of " + schema.get("enum") + " but is " + value);
        }
        if (value.isTextual() && schema.has("minLength") && value.asText().strip().length() < schema.get("minLength").asInt()) {
            errors.add(path + " is shorter than " + schema.get("minLength").asInt() + " characters");
        }
        if (value.isNumber()) {
            if (schema.has("minimum") && value.asDouble() < schema.get("minimum").asDouble()) errors.add(path + " is below " + schema.get("minimum"));
            if (schema.has("maximum") && value.asDouble() > schema.get("maximum").asDouble()) errors.add(path + " is above " + schema.get("maximum"));
        }
        if (value.isArray()) {
            if (schema.has("minItems") && value.size() < schema.get("minItems").asInt()) errors.add(path + " has fewer than " + schema.get("minItems") + " items");
            if (schema.has("maxItems") && value.size() > schema.get("maxItems").asInt()) errors.add(path + " has more than " + schema.get("maxItems") + " items");
            if (schema.has("items")) {
                for (int i = 0; i < value.size(); i++) check(schema.get("items"), value.get(i), path + "[" + i + "]", errors);
            }
        }
        if (value.isObject()) {
            JsonNode props = schema.path("properties");
            for (JsonNode r : schema.path("required")) {
                if (!value.has(r.asText())) errors.add(path + " is missing \"" + r.asText() + "\"");
            }
            for (Iterator<Map.Entry<String, JsonNode>> it = value.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> f = it.next();
                if (props.has(f.getKey())) {
                    check(props.get(f.getKey()), f.getValue(), path + "." + f.getKey(), errors);
                } else if (schema.path("additionalProperties").isBoolean() && !schema.get("additionalProperties").asBoolean()) {
                    errors.add(path + " has an unexpected field \"" + f.getKey() + "\"");
                }
            }
        }
    }

    private static boolean hasType(JsonNode v, String type) {
        return switch (type) {
            case "object" -> v.isObject();
            case "array" -> v.isArray();
            case "string" -> v.isTextual();
            case "integer" -> v.isIntegralNumber() || (v.isNumber() && v.asDouble() == Math.rint(v.asDouble()));
            case "number" -> v.isNumber();
            case "boolean" -> v.isBoolean();
            case "null" -> v.isNull();
            default -> true;
        };
    }

    private static String describe(JsonNode v) {
        if (v.isObject()) return "an object";
        if (v.isArray()) return "an array";
        if (v.isTextual()) return "a string";
        if (v.isNumber()) return "a number";
        if (v.isBoolean()) return "a boolean";
        return "null";
    }
}
