package cai4j.model;

import cai4j.InputError;
import cai4j.Json;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;

/**
 * The one JSON shape of a {@link ChatRequest}, used by {@code cai4j batch} input lines and by the
 * ledger's stored requests:
 * {@code {"messages":[{"role":"user","content":"..."}], "temperature":0.0, "max_tokens":512,
 * "stop":[], "seed":7, "json_schema":{...}, "options":[" A"," B"], "sample_index":0, "template":""}}.
 * Only {@code messages} is required. Field order is fixed, so the text can be hashed.
 */
public final class RequestJson {
    private RequestJson() {}

    public static ObjectNode toJson(ChatRequest r) {
        ObjectNode o = Json.MAPPER.createObjectNode();
        ArrayNode ms = o.putArray("messages");
        for (Message m : r.messages()) ms.addObject().put("role", m.role()).put("content", m.content());
        o.put("temperature", r.temperature());
        o.put("max_tokens", r.maxTokens());
        ArrayNode stop = o.putArray("stop");
        r.stop().forEach(stop::add);
        if (r.seed().isPresent()) o.put("seed", r.seed().getAsLong());
        if (!r.jsonSchema().isEmpty()) o.put("json_schema", r.jsonSchema());
        ArrayNode opts = o.putArray("options");
        r.options().forEach(opts::add);
        o.put("sample_index", r.sampleIndex());
        o.put("template", r.template());
        return o;
    }

    /**
     * Reads a request; {@code where} names the place for error messages ("input.jsonl line 7").
     * A JSON schema may be given as an object or as JSON text.
     */
    public static ChatRequest fromJson(JsonNode o, String where) {
        if (o == null || !o.isObject()) throw new InputError(where + " is not a JSON object.");
        JsonNode msgs = o.get("messages");
        if (msgs == null || !msgs.isArray() || msgs.isEmpty()) {
            throw new InputError(where + " needs a non-empty \"messages\" array of {\"role\",\"content\"} objects.");
        }
        List<Message> messages = new ArrayList<>(msgs.size());
        for (JsonNode m : msgs) {
            String role = m.path("role").asText("");
            if (!role.equals("system") && !role.equals("user") && !role.equals("assistant")) {
                throw new InputError(where + " has a message with role '" + role + "'; use system, user or assistant.");
            }
            JsonNode content = m.get("content");
            if (content == null || !content.isTextual()) {
                throw new InputError(where + " has a " + role + " message without text \"content\".");
            }
            messages.add(new Message(role, content.asText()));
        }
        try {
            ChatRequest r = ChatRequest.of(messages);
            if (o.has("temperature")) r = r.withTemperature(number(o, "temperature", where));
            int maxTokens = o.has("max_tokens") ? (int) number(o, "max_tokens", where)
                    : o.has("maxTokens") ? (int) number(o, "maxTokens", where) : r.maxTokens();
            r = r.withMaxTokens(maxTokens);
            if (o.has("stop")) r = r.withStop(strings(o.get("stop"), "stop", where));
            if (o.hasNonNull("seed")) r = r.withSeed((long) number(o, "seed", where));
            JsonNode schema = o.has("json_schema") ? o.get("json_schema") : o.get("jsonSchema");
            if (schema != null && !schema.isNull()) r = r.withJsonSchema(schema.isTextual() ? schema.asText() : Json.write(schema));
            if (o.has("options")) r = r.withOptions(strings(o.get("options"), "options", where));
            if (o.has("sample_index")) r = r.withSampleIndex((int) number(o, "sample_index", where));
            if (o.has("template")) r = r.withTemplate(o.get("template").asText());
            return r;
        } catch (IllegalArgumentException e) {
            throw new InputError(where + ": " + e.getMessage() + ".");
        }
    }

    private static double number(JsonNode o, String field, String where) {
        JsonNode n = o.get(field);
        if (!n.isNumber()) throw new InputError(where + " has \"" + field + "\" = " + n + "; it must be a number.");
        return n.asDouble();
    }

    private static List<String> strings(JsonNode n, String field, String where) {
        if (n.isTextual()) return List.of(n.asText());
        if (!n.isArray()) throw new InputError(where + " has \"" + field + "\" that is neither a string nor an array of strings.");
        List<String> out = new ArrayList<>();
        for (JsonNode s : n) out.add(s.asText());
        return out;
    }

}
