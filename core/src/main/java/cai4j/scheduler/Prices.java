package cai4j.scheduler;

import cai4j.InputError;
import cai4j.Json;
import cai4j.model.ModelSpec;
import cai4j.model.Usage;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The price table: USD per million input, output and cached-input tokens, per {@code provider:model}.
 * The built-in table ({@code cai4j/scheduler/prices.json}) covers common hosted models; a user file in
 * the same format adds or replaces entries. A model is priced by the longest key that prefixes its
 * spec, so {@code openai:gpt-4o-mini-2024-07-18} finds {@code openai:gpt-4o-mini}.
 *
 * <p>Calls sent in a provider batch job cost a share of these prices: {@code "_batch"} in the table,
 * 0.5 in the built-in one (OpenAI's and Anthropic's batch discount, half price on every token).
 */
public final class Prices {

    /** Prices of one model, USD per million tokens. */
    public record Price(double input, double output, double cached) {
        public double cost(Usage u) {
            long uncached = Math.max(0, u.inputTokens() - u.cachedTokens());
            return (uncached * input + u.cachedTokens() * cached + u.outputTokens() * output) / 1_000_000.0;
        }

        /** The same prices scaled by a share (the batch discount). */
        public Price times(double share) { return new Price(input * share, output * share, cached * share); }
    }

    /** The key of the batch share in a price file. */
    private static final String BATCH_KEY = "_batch";

    private final TreeMap<String, Price> table;
    /** USD per million trained tokens (tokens of the training file times epochs), for fine-tuning. */
    private final TreeMap<String, Double> training;
    private final double batchShare;

    private Prices(TreeMap<String, Price> table, TreeMap<String, Double> training, double batchShare) {
        this.table = table;
        this.training = training;
        this.batchShare = batchShare;
    }

    /** The built-in table. */
    public static Prices builtIn() {
        try (InputStream in = Prices.class.getResourceAsStream("/cai4j/scheduler/prices.json")) {
            JsonNode root = Json.MAPPER.readTree(in);
            return new Prices(parse(root, "the built-in price table"), parseTraining(root), batchShare(root, "the built-in price table", 1.0));
        } catch (IOException e) {
            throw new IllegalStateException("the built-in price table cannot be read", e);
        }
    }

    /** No prices at all: every call counts as free. */
    public static Prices none() {
        return new Prices(new TreeMap<>(), new TreeMap<>(), 1.0);
    }

    /** This table with the entries of a user's JSON file added or replaced. */
    public Prices with(Path file) {
        try {
            JsonNode root = Json.MAPPER.readTree(Files.readString(file));
            TreeMap<String, Price> t = new TreeMap<>(table);
            t.putAll(parse(root, file.toString()));
            TreeMap<String, Double> tr = new TreeMap<>(training);
            tr.putAll(parseTraining(root));
            return new Prices(t, tr, batchShare(root, file.toString(), batchShare));
        } catch (IOException e) {
            throw new InputError("Cannot read the price table " + file + ": " + cai4j.FileProblem.reason(e) + ".", e);
        }
    }

    /** This table with one entry added or replaced. */
    public Prices with(String spec, Price price) {
        TreeMap<String, Price> t = new TreeMap<>(table);
        t.put(spec, price);
        return new Prices(t, training, batchShare);
    }

    /** This table with a model the user declares free (a local server, a paid-up plan): it costs nothing. */
    public Prices free(ModelSpec spec) {
        return with(spec.provider() + ":" + spec.model(), new Price(0, 0, 0));
    }

    private static double batchShare(JsonNode root, String where, double otherwise) {
        if (root == null || !root.has(BATCH_KEY)) return otherwise;
        JsonNode b = root.get(BATCH_KEY);
        if (!b.isNumber() || b.asDouble() < 0 || b.asDouble() > 1) {
            throw new InputError(where + " gives \"" + BATCH_KEY + "\" as " + b + "; it must be the share of the price a batch call costs, between 0 and 1.");
        }
        return b.asDouble();
    }

    /** The share of the price a call sent in a provider batch job costs. */
    public double batchShare() { return batchShare; }

    /** The batch price of a model (its price times the batch share), if the table knows it. */
    public Optional<Price> batchPrice(ModelSpec spec) {
        return price(spec).map(p -> p.times(batchShare));
    }

    /** This table at batch prices, for estimates made where only {@link #cost} is asked (a plan's table). */
    public Prices forBatch() {
        TreeMap<String, Price> t = new TreeMap<>();
        table.forEach((k, p) -> t.put(k, p.times(batchShare)));
        return new Prices(t, training, 1.0);
    }

    /** The cost of a call sent in a provider batch job, in USD; 0 when the model has no price. */
    public double batchCost(ModelSpec spec, Usage usage) {
        return batchPrice(spec).map(p -> p.cost(usage)).orElse(0.0);
    }

    private static TreeMap<String, Price> parse(JsonNode root, String where) {
        if (root == null || !root.isObject()) throw new InputError(where + " is not a JSON object of provider:model -> {input, output, cached}.");
        TreeMap<String, Price> t = new TreeMap<>();
        for (Map.Entry<String, JsonNode> e : root.properties()) {
            if (e.getKey().startsWith("_")) continue;
            JsonNode p = e.getValue();
            if (p.path("training").isNumber() && !p.has("input") && !p.has("output")) continue; // a training price only
            if (!p.path("input").isNumber() || !p.path("output").isNumber()) {
                throw new InputError(where + " entry '" + e.getKey() + "' needs numeric \"input\" and \"output\" prices (USD per million tokens).");
            }
            double in = p.get("input").asDouble();
            t.put(e.getKey(), new Price(in, p.get("output").asDouble(), p.path("cached").asDouble(in)));
        }
        return t;
    }

    private static TreeMap<String, Double> parseTraining(JsonNode root) {
        TreeMap<String, Double> t = new TreeMap<>();
        if (root == null || !root.isObject()) return t;
        for (Map.Entry<String, JsonNode> e : root.properties()) {
            if (!e.getKey().startsWith("_") && e.getValue().path("training").isNumber()) t.put(e.getKey(), e.getValue().get("training").asDouble());
        }
        return t;
    }

    /** The price of a model, if the table knows it. */
    public Optional<Price> price(ModelSpec spec) {
        return longestPrefix(table, spec);
    }

    /**
     * What fine-tuning a model costs, USD per million trained tokens (a training file's tokens
     * times its epochs), if the table knows it.
     */
    public Optional<Double> trainingPrice(ModelSpec spec) {
        return longestPrefix(training, spec);
    }

    private static <T> Optional<T> longestPrefix(TreeMap<String, T> table, ModelSpec spec) {
        String key = spec.provider() + ":" + spec.model();
        for (Map.Entry<String, T> e = table.floorEntry(key); e != null; e = table.lowerEntry(e.getKey())) {
            if (key.startsWith(e.getKey())) return Optional.of(e.getValue());
            if (!e.getKey().startsWith(spec.provider() + ":")) break; // past this provider's entries
        }
        return Optional.empty();
    }

    /** The cost of a call in USD; 0 when the model has no price. */
    public double cost(ModelSpec spec, Usage usage) {
        return price(spec).map(p -> p.cost(usage)).orElse(0.0);
    }
}
