package cai4j.constitution;

import cai4j.InputError;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.MissingNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.util.ArrayList;
import java.util.List;

/** JSON and YAML reading with errors that name the file, line and column. */
final class Yaml {
    private Yaml() {}

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static final ObjectMapper JSON = new ObjectMapper();

    static JsonNode parse(Source source, String text, int firstLine) {
        return read(YAML, source, text, firstLine, "YAML");
    }

    static JsonNode parseJson(Source source) {
        return read(JSON, source, source.text(), 0, "JSON");
    }

    private static JsonNode read(ObjectMapper mapper, Source source, String text, int lineOffset, String kind) {
        try {
            JsonNode node = mapper.readTree(text);
            return node == null ? MissingNode.getInstance() : node;
        } catch (JsonProcessingException e) {
            JsonLocation at = e.getLocation();
            String where = at == null ? "" : " line " + (at.getLineNr() + lineOffset) + ", column " + at.getColumnNr();
            throw new InputError(source.name() + where + ": invalid " + kind + " (" + e.getOriginalMessage().lines().findFirst().orElse("") + ").");
        }
    }

    static JsonNode node(Object value) {
        return JSON.valueToTree(value);
    }

    /** Tiers as a list of ids, a list of {id, description}, or a map id → description; ranks follow order. */
    static List<Tier> tiers(Source source, JsonNode node) {
        List<Tier> tiers = new ArrayList<>();
        if (node.isMissingNode() || node.isNull()) return tiers;
        if (node.isArray()) {
            for (JsonNode t : node) {
                if (t.isTextual()) tiers.add(new Tier(t.asText(), tiers.size() + 1, ""));
                else if (t.isObject() && t.hasNonNull("id")) tiers.add(new Tier(t.get("id").asText(), tiers.size() + 1, t.path("description").asText("")));
                else throw new InputError(source.name() + ": each entry of 'tiers' must be a name or an object with an 'id'.");
            }
        } else if (node.isObject()) {
            node.properties().forEach(e -> tiers.add(new Tier(e.getKey(), tiers.size() + 1, e.getValue().asText(""))));
        } else {
            throw new InputError(source.name() + ": 'tiers' must be a list or a map.");
        }
        return tiers;
    }
}
