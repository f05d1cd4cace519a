package cai4j.junit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import cai4j.InputError;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class SettingsTest {
    final Map<String, String> parameters = Map.of(Settings.JUDGE, "openai:from-the-build");
    final Settings settings = new Settings("Chat.policy", k -> Optional.ofNullable(parameters.get(k)),
            Map.of(Settings.JUDGE, "openai:from-the-annotation", Settings.SCENARIOS, "annotated.jsonl", "cai4j.threshold.helpful", "90%"),
            Map.of(Settings.JUDGE, "openai:from-the-file", Settings.SCENARIOS, "file.jsonl", Settings.CONSTITUTION, "policy.md", "cai4j.threshold.safe", "1"),
            "cai4j.properties");

    @Test
    void aConfigurationParameterWinsOverTheAnnotationWhichWinsOverThePropertiesFile() {
        assertThat(settings.value(Settings.JUDGE)).contains("openai:from-the-build");
        assertThat(settings.where(Settings.JUDGE)).isEqualTo("the configuration parameter cai4j.judge");
        assertThat(settings.value(Settings.SCENARIOS)).contains("annotated.jsonl");
        assertThat(settings.where(Settings.SCENARIOS)).isEqualTo("@ConstitutionTest on Chat.policy");
        assertThat(settings.value(Settings.CONSTITUTION)).contains("policy.md");
        assertThat(settings.where(Settings.CONSTITUTION)).isEqualTo("cai4j.constitution in cai4j.properties");
        assertThat(settings.thresholdTiers()).containsExactly("helpful", "safe");
    }

    @Test
    void aMissingValueNamesTheAttributeAndTheKey() {
        assertThatThrownBy(() -> settings.required(Settings.LEDGER, "ledger")).isInstanceOf(InputError.class)
                .hasMessage("Chat.policy names no ledger: set ledger = \"...\" in @ConstitutionTest or cai4j.ledger in cai4j.properties on the test class path.");
    }
}
