package cai4j.model.llama;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class LlamaSpeedTest {

    @Test
    void cachedPromptTokensCostNothingAndMoreCoresSpeedUpReadingButNotWriting() {
        LlamaSpeed s = new LlamaSpeed(40, 10, 0.75);
        // 4000 prompt tokens, a quarter read at 40/s = 25 s; 100 answer tokens at 10/s = 10 s
        assertThat(s.seconds(4000, 100, 2)).isCloseTo(35.0, within(1e-9));
        assertThat(s.seconds(4000, 100, 4)).isCloseTo(12.5 + 10.0, within(1e-9));
        assertThat(s.seconds(4000, 100, 1)).as("never faster than the 2-core figure says, never slower either").isCloseTo(35.0, within(1e-9));
    }
}
