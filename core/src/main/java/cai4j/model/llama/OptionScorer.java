package cai4j.model.llama;

import cai4j.model.ModelException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Exact probabilities of given continuations of a prompt: for each option, the product over its
 * tokens of the model's next-token probability (softmax of the full logits row at temperature 1).
 * For a one-token option that is the next-token probability, as OpenAI's logprobs give it.
 *
 * <p>The implementation calls llama.cpp's C API through the Foreign Function &amp; Memory API (final
 * since Java 22, the release this project is built for).
 */
interface OptionScorer extends AutoCloseable {

    /**
     * Probabilities of options, and what reading the prompt cost.
     *
     * @param probabilities each option (in the given order) as the text that follows the prompt
     * @param promptTokens  the prompt's tokens
     * @param cachedTokens  those of them found in the scorer's KV cache, not read again
     */
    record Scored(Map<String, Double> probabilities, int promptTokens, int cachedTokens) {}

    /** Scores each option as the text that follows {@code prompt}. */
    Scored score(String prompt, List<String> options);

    /** How many tokens of {@code prompt} the scorer's KV cache already holds. */
    int reuse(int[] prompt);

    @Override
    void close();

    static OptionScorer open(Path model, int contextSize, int threads) {
        try {
            return new FfmOptionScorer(model, contextSize, threads);
        } catch (RuntimeException | LinkageError e) {
            if (e instanceof ModelException m) throw m;
            throw new ModelException(ModelException.Kind.FINAL, 0,
                    "Option probabilities from the embedded llama model are unavailable: " + e.getMessage(), null, e);
        }
    }
}
