package cai4j.train;

import cai4j.model.ModelSpec;
import cai4j.scheduler.Prices;
import java.util.Optional;

/**
 * What training on one file is expected to cost: its tokens times its epochs, at the base model's
 * price per trained token. Without {@code --epochs} the provider chooses; the estimate then assumes
 * {@value #ASSUMED_EPOCHS}, OpenAI's usual choice for a data set of a few hundred examples.
 *
 * @param file          the file
 * @param epochs        the epochs counted
 * @param epochsAssumed true when the provider chooses and the count is an assumption
 * @param usd           the cost, when the base model has a training price
 */
public record TrainingCost(TrainingFile file, int epochs, boolean epochsAssumed, Optional<Double> usd) {

    public static final int ASSUMED_EPOCHS = 3;

    public static TrainingCost of(TrainingFile file, ModelSpec base, Optional<Integer> epochs, Prices prices) {
        int n = epochs.orElse(ASSUMED_EPOCHS);
        return new TrainingCost(file, n, epochs.isEmpty(), prices.trainingPrice(base).map(p -> file.tokens() * n * p / 1_000_000.0));
    }

    /** Tokens the provider bills: the file's tokens once per epoch. */
    public long trainedTokens() {
        return file.tokens() * epochs;
    }
}
