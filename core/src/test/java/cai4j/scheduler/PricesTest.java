package cai4j.scheduler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import cai4j.model.ModelSpec;
import cai4j.model.Usage;
import org.junit.jupiter.api.Test;

class PricesTest {
    @Test
    void theLongestMatchingPrefixPricesAModelAndCachedTokensAreCheaper() {
        Prices p = Prices.builtIn();
        assertThat(p.price(ModelSpec.parse("openai:gpt-4o-mini-2024-07-18")).orElseThrow().input()).isEqualTo(0.15);
        assertThat(p.price(ModelSpec.parse("openai:gpt-4o-2024-08-06")).orElseThrow().input()).isEqualTo(2.50);
        assertThat(p.price(ModelSpec.parse("openai:unknown-model"))).isEmpty();
        assertThat(p.price(ModelSpec.parse("llama:/models/tiny.gguf"))).isEmpty();
        // 1M input of which 400k cached, 100k output at 0.15 / 0.075 / 0.60
        double cost = p.cost(ModelSpec.parse("openai:gpt-4o-mini"), new Usage(1_000_000, 100_000, 400_000));
        assertThat(cost).isCloseTo(0.6 * 0.15 + 0.4 * 0.075 + 0.1 * 0.60, within(1e-9));
    }
}
