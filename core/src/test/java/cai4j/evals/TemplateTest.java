package cai4j.evals;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

class TemplateTest {
    static final Template GREETING = Template.inline("greeting", "Dear {{name}}, about {{topic_2}}: {{name}}.");

    @Test
    void renderFillsEveryPlaceholderWithItsValueTakenLiterally() {
        assertThat(GREETING.render(Map.of("name", "A$1\\b", "topic_2", "{{name}}")))
                .isEqualTo("Dear A$1\\b, about {{name}}: A$1\\b.");
    }

    @Test
    void aPlaceholderWithoutAValueIsABugInTheCallerAndSaysWhichOne() {
        assertThatThrownBy(() -> GREETING.render(Map.of("name", "A")))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("template greeting needs a value for {{topic_2}}");
    }

    @Test
    void fixedCharsCountTheTextWithoutItsPlaceholders() {
        assertThat(GREETING.fixedChars()).isEqualTo("Dear , about : .".length());
    }

    @Test
    void aTemplateInTheCodeIsVersionedByNameAndHashAResourceByItsBareHash() {
        assertThat(GREETING.version()).matches("greeting@[0-9a-f]{16}");
        assertThat(Template.inline("greeting", GREETING.text() + " ").version()).isNotEqualTo(GREETING.version());
        assertThat(Template.load("repair").version()).matches("[0-9a-f]{12}");
    }
}
