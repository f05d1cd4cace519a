package cai4j.constitution;

import cai4j.InputError;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * Constitutions written as data, in JSON or YAML:
 * <ul>
 *   <li>cai4j's own schema: {@code {title, tiers:[...], principles:[{id, tier, text, section?, critique?, revision?}]}};</li>
 *   <li>Hugging Face's CAI recipe: {@code {"constitutions":[{"critic","revision"}], "system_chat":[...]}};</li>
 *   <li>the Constitutional AI paper's {@code CritiqueRevisionInstructions.json}:
 *       {@code {"harmful0": {"prompt":["...CritiqueRequest: ..."], "edit_request":"...RevisionRequest: ..."}}}.</li>
 * </ul>
 */
final class PrincipleListFormat implements Format {

    @Override
    public boolean accepts(Source source) {
        String ext = source.extension();
        return ext.equals("json") || ext.equals("yaml") || ext.equals("yml")
                || source.firstSignificant() == '{' || source.firstSignificant() == '[';
    }

    @Override
    public Draft read(Source source) {
        JsonNode root = isYaml(source) ? Yaml.parse(source, source.text(), 0) : Yaml.parseJson(source);
        if (root.isObject() && root.has("principles")) return own(source, root);
        if (root.isObject() && root.has("constitutions")) return huggingFace(source, root.get("constitutions"));
        if (isCaiPaper(root)) return caiPaper(source, root);
        if (root.isArray()) return own(source, Yaml.node(java.util.Map.of("principles", root)));
        List<String> keys = new ArrayList<>();
        root.fieldNames().forEachRemaining(keys::add);
        throw new InputError(source.name() + ": not a constitution this tool reads: expected 'principles' (cai4j), "
                + "'constitutions' (Hugging Face CAI) or critique/revision entries (CAI paper), found "
                + (root.isObject() ? (keys.isEmpty() ? "an empty object" : "keys " + String.join(", ", keys.subList(0, Math.min(5, keys.size())))) : "a JSON " + root.getNodeType().name().toLowerCase(java.util.Locale.ROOT)) + ".");
    }

    private static boolean isYaml(Source source) {
        String ext = source.extension();
        return ext.equals("yaml") || ext.equals("yml");
    }

    private Draft own(Source source, JsonNode root) {
        List<Tier> tiers = Yaml.tiers(source, root.path("tiers"));
        JsonNode principles = root.get("principles");
        if (!principles.isArray()) throw new InputError(source.name() + ": 'principles' must be a list.");
        // a principle that names no tier takes the document's default_tier, as in Markdown front matter
        String defaultTier = root.path("default_tier").asText("").strip();
        List<Draft.Item> items = new ArrayList<>();
        Lines lines = new Lines(source.text());
        for (int i = 0; i < principles.size(); i++) {
            JsonNode p = principles.get(i);
            String where = source.name() + ": principles[" + i + "]";
            if (p.isTextual()) p = mapOf("text", p.asText());
            if (!p.isObject()) throw new InputError(where + " must be an object with 'text' or a string.");
            String text = p.path("text").asText("").strip().replaceAll("\\s*Options:$", "");
            if (text.isEmpty()) throw new InputError(where + " has no 'text'.");
            List<String> section = new ArrayList<>();
            JsonNode s = p.path("section");
            if (s.isArray()) s.forEach(x -> section.add(x.asText()));
            else if (s.isTextual()) section.add(s.asText());
            String key = section.isEmpty() ? "principles" : Ids.slug(section.getLast());
            List<String> notes = new ArrayList<>();
            p.path("notes").forEach(n -> notes.add(n.asText()));
            String tier = p.path("tier").asText("").strip();
            items.add(new Draft.Item(p.path("id").asText(""), key, tier.isEmpty() ? defaultTier : tier, section, text, lines.of(text),
                    Clause.Kind.RULE, p.path("critique").asText(""), p.path("revision").asText(""), notes));
        }
        return Draft.of(root.path("title").asText(""), tiers, items);
    }

    private static JsonNode mapOf(String key, String value) {
        return Yaml.node(Map.of(key, value));
    }

    private Draft huggingFace(Source source, JsonNode list) {
        if (!list.isArray()) throw new InputError(source.name() + ": 'constitutions' must be a list of {critic, revision}.");
        List<Draft.Item> items = new ArrayList<>();
        Lines lines = new Lines(source.text());
        for (int i = 0; i < list.size(); i++) {
            JsonNode c = list.get(i);
            String critic = c.path("critic").asText("").strip();
            String revision = c.path("revision").asText("").strip();
            if (critic.isEmpty()) throw new InputError(source.name() + ": constitutions[" + i + "] has no 'critic'.");
            items.add(new Draft.Item("", "principle", "", List.of(), critic, lines.of(critic), Clause.Kind.RULE, critic, revision, List.of()));
        }
        return Draft.of("", List.of(), items);
    }

    private static boolean isCaiPaper(JsonNode root) {
        if (!root.isObject() || root.isEmpty()) return false;
        for (JsonNode v : root) if (!v.isObject() || !v.has("prompt") || !v.has("edit_request")) return false;
        return true;
    }

    private Draft caiPaper(Source source, JsonNode root) {
        List<Draft.Item> items = new ArrayList<>();
        Lines lines = new Lines(source.text());
        for (Iterator<Map.Entry<String, JsonNode>> it = root.properties().iterator(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            int line = lines.of(e.getKey());
            String where = source.name() + (line > 0 ? " line " + line : "") + ": entry '" + e.getKey() + "'";
            JsonNode prompt = e.getValue().get("prompt");
            String critique = strip(prompt.isArray() && !prompt.isEmpty() ? prompt.get(0).asText() : prompt.asText(), "CritiqueRequest:", "Critique:");
            JsonNode edit = e.getValue().get("edit_request");
            // a null or non-text request would otherwise become the revision "null"
            if (!edit.isTextual()) {
                throw new InputError(where + " has an 'edit_request' that is " + (edit.isNull() ? "null" : "not text") + "; write the revision request as a string.");
            }
            if (!prompt.isTextual() && !(prompt.isArray() && !prompt.isEmpty() && prompt.get(0).isTextual())) {
                throw new InputError(where + " has a 'prompt' that is neither text nor a list of text; write the critique request as a string.");
            }
            String revision = strip(edit.asText(), "RevisionRequest:", "Revision:");
            items.add(new Draft.Item(e.getKey(), "principle", "", List.of(), critique, line, Clause.Kind.RULE, critique, revision, List.of()));
        }
        return Draft.of("", List.of(), items);
    }

    /**
     * Finds the lines of values in document order (data formats keep no positions). Searching on
     * from the last hit keeps a document of many principles linear.
     */
    private static final class Lines {
        private final String text;
        private int pos;
        private int line = 1;

        Lines(String text) {
            this.text = text;
        }

        int of(String value) {
            // the part before any character that JSON or YAML would have escaped
            int end = 0;
            while (end < Math.min(40, value.length()) && value.charAt(end) >= ' ' && value.charAt(end) != '"' && value.charAt(end) != '\\') end++;
            if (end < Math.min(8, value.length())) return 0;
            int at = text.indexOf(value.substring(0, end), pos);
            if (at < 0) return 0;
            for (; pos < at; pos++) if (text.charAt(pos) == '\n') line++;
            return line;
        }
    }

    /** The paper's prompts carry their dialogue markers: "\n\nCritiqueRequest: ...\n\nCritique:". */
    private static String strip(String text, String prefix, String suffix) {
        String s = text.strip();
        if (s.startsWith(prefix)) s = s.substring(prefix.length());
        if (s.endsWith(suffix)) s = s.substring(0, s.length() - suffix.length());
        return s.strip();
    }
}
