package cai4j.model.llama;

import cai4j.model.ModelException;
import java.lang.reflect.InvocationTargetException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Exact probabilities of given continuations of a prompt: for each option, the product over its
 * tokens of the model's next-token probability (softmax of the full logits row at temperature 1).
 * For a one-token option that is the next-token probability, as OpenAI's logprobs give it.
 *
 * <p>The implementation calls llama.cpp's C API through the Foreign Function &amp; Memory API, final
 * since Java 22; it is compiled separately for release 22 (src/main/java22) so that the rest of the
 * library still runs on Java 21, where only this feature is unavailable.
 */
interface OptionScorer extends AutoCloseable {

    /** Probability of each option (in the given order) as the text that follows {@code prompt}. */
    Map<String, Double> probabilities(String prompt, List<String> options);

    @Override
    void close();

    static OptionScorer open(Path model, int contextSize, int threads) {
        if (Runtime.version().feature() < 22) {
            throw ModelException.finalError(0, "Option probabilities from the embedded llama model need Java 22 or newer; this is Java "
                    + Runtime.version().feature() + ".");
        }
        try {
            return (OptionScorer) Class.forName("cai4j.model.llama.FfmOptionScorer")
                    .getDeclaredConstructor(Path.class, int.class, int.class)
                    .newInstance(model, contextSize, threads);
        } catch (InvocationTargetException e) {
            Throwable cause = e.getCause();
            throw new ModelException(ModelException.Kind.FINAL, 0,
                    "Option probabilities from the embedded llama model are unavailable: " + cause.getMessage(), null, cause);
        } catch (ReflectiveOperationException | LinkageError e) {
            throw new ModelException(ModelException.Kind.FINAL, 0,
                    "Option probabilities from the embedded llama model are unavailable: " + e, null, e);
        }
    }
}
