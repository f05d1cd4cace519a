package cai4j.model.llama;

import cai4j.Json;
import cai4j.model.AnswerCaps;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.util.OptionalInt;
import java.util.function.Function;

/**
 * The embedded model's grammar for a JSON schema, with the stage's length limits in it
 * ({@link AnswerCaps#embedded}), and the most tokens an answer under that grammar can take.
 *
 * <p>Why both together: a small model that loses its way never closes the string it is writing,
 * so without limits its answer runs to the request's max tokens and is cut off unparsable (a wasted
 * call, and a repair call after it). With limits the grammar closes every string and array in time,
 * but only if the max tokens leaves room for the longest text the grammar allows; so the max tokens
 * of a grammar-bounded request is that length ({@link GrammarBound}), and the limits, not the
 * stage's max tokens, bound the answer. When even that does not fit the answer's share of the
 * context, every string limit is shortened in proportion until it does.
 */
final class SchemaCaps {
    /** Times the string limits are shortened at most to fit the context. */
    private static final int FITS = 8;

    private SchemaCaps() {}

    /**
     * @param gbnf      the grammar llama.cpp samples with
     * @param maxTokens the most tokens an answer under it takes, its end included; empty when the
     *                  grammar has no bound (extra properties, a pattern), where the request's
     *                  max tokens is all that ends the answer
     */
    record Bounded(String gbnf, OptionalInt maxTokens) {}

    /**
     * @param schema    the request's JSON schema
     * @param room      the most tokens an answer may take (its share of a slot's context)
     * @param toGrammar llama.cpp's conversion of a JSON schema to a grammar
     */
    static Bounded grammar(String schema, int room, Function<String, String> toGrammar) {
        String capped = AnswerCaps.embedded(schema);
        String gbnf = toGrammar.apply(capped);
        long bound = GrammarBound.maxBytes(gbnf);
        if (bound == GrammarBound.UNBOUNDED) return new Bounded(gbnf, OptionalInt.empty());
        for (int i = 0; i < FITS && bound >= room; i++) {
            JsonNode root = read(capped);
            if (root == null) break;
            double factor = 0.95 * room / bound;
            shorten(root, factor);
            capped = Json.write(root);
            gbnf = toGrammar.apply(capped);
            bound = GrammarBound.maxBytes(gbnf);
        }
        // the end token is one more
        return new Bounded(gbnf, OptionalInt.of((int) Math.min(room, bound + 1)));
    }

    private static JsonNode read(String schema) {
        try {
            return Json.MAPPER.readTree(schema);
        } catch (IOException e) {
            return null;
        }
    }

    private static void shorten(JsonNode node, double factor) {
        if (node instanceof ObjectNode o && o.has("maxLength")) {
            int min = o.path("minLength").asInt(0);
            o.put("maxLength", Math.max(min, (int) (o.get("maxLength").asInt() * factor)));
        }
        if (node.isContainerNode()) node.forEach(n -> shorten(n, factor));
    }
}
