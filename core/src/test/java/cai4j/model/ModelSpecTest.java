package cai4j.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import cai4j.InputError;
import org.junit.jupiter.api.Test;

class ModelSpecTest {

    @Test
    void aBaseUrlWithSchemeHostAndVersionPathIsSplitFromTheModel() {
        assertThat(ModelSpec.parse("openai:qwen2.5@http://localhost:8000/v1"))
                .isEqualTo(new ModelSpec("openai", "qwen2.5", "http://localhost:8000/v1"));
        assertThat(ModelSpec.parse("openai:m@https://openrouter.ai/api/v1").baseUrl()).isEqualTo("https://openrouter.ai/api/v1");
        assertThat(ModelSpec.parse("openai:m@https://generativelanguage.googleapis.com/v1beta/openai/").model()).isEqualTo("m");
        assertThat(ModelSpec.parse("anthropic:claude@http://127.0.0.1:9000").baseUrl()).isEqualTo("http://127.0.0.1:9000");
        assertThat(ModelSpec.parse("openai:gpt-4o-mini")).isEqualTo(new ModelSpec("openai", "gpt-4o-mini", ""));
    }

    @Test
    void aBaseUrlWithoutSchemeIsAnInputErrorInsteadOfPartOfTheModelName() {
        // read as a model name, this spec would send the prompts and the key to api.openai.com
        assertThatThrownBy(() -> ModelSpec.parse("openai:gen@127.0.0.1:8000/v1"))
                .isInstanceOf(InputError.class)
                .hasMessage("Model spec 'openai:gen@127.0.0.1:8000/v1' has a base URL '127.0.0.1:8000/v1' without http:// or https:// after '@' (for example openai:model@http://127.0.0.1:8000/v1).");
        assertThatThrownBy(() -> ModelSpec.parse("anthropic:c@localhost:9000")).isInstanceOf(InputError.class).hasMessageContaining("without http://");
        assertThatThrownBy(() -> ModelSpec.parse("openai:gen@ftp://host/v1")).isInstanceOf(InputError.class).hasMessageContaining("without http://");
    }

    @Test
    void aBaseUrlWithoutHostOrWithSpacesIsAnInputError() {
        assertThatThrownBy(() -> ModelSpec.parse("openai:x@http://")).isInstanceOf(InputError.class)
                .hasMessageContaining("'openai:x@http://'").hasMessageContaining("base URL 'http://' without a host");
        assertThatThrownBy(() -> ModelSpec.parse("openai:x@http:///v1")).isInstanceOf(InputError.class).hasMessageContaining("without a host");
        assertThatThrownBy(() -> ModelSpec.parse("openai:x@http://a b/v1")).isInstanceOf(InputError.class).hasMessageContaining("malformed");
        assertThatThrownBy(() -> ModelSpec.parse("openai:@http://h/v1")).isInstanceOf(InputError.class).hasMessageContaining("names no model");
    }

    @Test
    void anOpenAiBaseUrlWithoutVersionPathSaysWhatIsExpected() {
        assertThatThrownBy(() -> ModelSpec.parse("openai:x@http://127.0.0.1:8000"))
                .isInstanceOf(InputError.class)
                .hasMessageContaining("without the API's version path")
                .hasMessageContaining("http://127.0.0.1:8000/v1");
    }

    @Test
    void aCommaSeparatedListNamesReplicasAndEachUrlIsChecked() {
        ModelSpec spec = ModelSpec.parse("openai:qwen@http://a:8000/v1, http://b:8000/v1");
        assertThat(spec.baseUrls()).containsExactly("http://a:8000/v1", "http://b:8000/v1");
        assertThat(spec.replicated()).isTrue();
        assertThat(spec.replica("http://b:8000/v1")).isEqualTo(ModelSpec.parse("openai:qwen@http://b:8000/v1"));
        assertThat(ModelSpec.parse("openai:qwen@http://a:8000/v1").replicated()).isFalse();
        assertThatThrownBy(() -> ModelSpec.parse("openai:qwen@http://a:8000/v1,b:8000/v1")).isInstanceOf(InputError.class)
                .hasMessageContaining("'b:8000/v1' without http://");
        assertThatThrownBy(() -> ModelSpec.parse("openai:qwen@http://a:8000/v1,http://b:8000")).isInstanceOf(InputError.class)
                .hasMessageContaining("'http://b:8000' without the API's version path");
        assertThatThrownBy(() -> ModelSpec.parse("openai:qwen@http://a:8000/v1,")).isInstanceOf(InputError.class)
                .hasMessageContaining("base URL ''");
    }

    @Test
    void anEmbeddedModelPathMayContainAnAtSign() {
        assertThat(ModelSpec.parse("llama:/models/v@2/tiny.gguf")).isEqualTo(new ModelSpec("llama", "/models/v@2/tiny.gguf", ""));
    }
}
