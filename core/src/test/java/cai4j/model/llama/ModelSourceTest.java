package cai4j.model.llama;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import cai4j.InputError;
import cai4j.model.ModelSpec;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class ModelSourceTest {

    @Test
    void ownerRepoFileIsAHubFileWithAResolveUrl() {
        var s = ModelSource.parse("Qwen/Qwen2.5-1.5B-Instruct-GGUF/qwen2.5-1.5b-instruct-q4_k_m.gguf");
        assertThat(s).isEqualTo(new ModelSource.HubFile("Qwen", "Qwen2.5-1.5B-Instruct-GGUF", "qwen2.5-1.5b-instruct-q4_k_m.gguf"));
        assertThat(((ModelSource.HubFile) s).url("https://huggingface.co/"))
                .isEqualTo("https://huggingface.co/Qwen/Qwen2.5-1.5B-Instruct-GGUF/resolve/main/qwen2.5-1.5b-instruct-q4_k_m.gguf");
    }

    @Test
    void aFileInARepositoryFolderKeepsItsFolder() {
        assertThat(ModelSource.parse("o/r/sub/m.gguf")).isEqualTo(new ModelSource.HubFile("o", "r", "sub/m.gguf"));
    }

    @Test
    void pathsAreLocalFiles() {
        assertThat(ModelSource.parse("/models/tiny.gguf")).isEqualTo(new ModelSource.LocalFile(Path.of("/models/tiny.gguf")));
        assertThat(ModelSource.parse("./tiny.gguf")).isInstanceOf(ModelSource.LocalFile.class);
        assertThat(ModelSource.parse("tiny.gguf")).isInstanceOf(ModelSource.LocalFile.class);
        assertThat(ModelSource.parse("~/m.gguf")).isEqualTo(new ModelSource.LocalFile(Path.of(System.getProperty("user.home"), "m.gguf")));
    }

    @Test
    void relativeSegmentsInAHubSpecAreRejected() {
        assertThatThrownBy(() -> ModelSource.parse("o/../x.gguf")).isInstanceOf(InputError.class).hasMessageContaining("llama:o/../x.gguf");
    }

    @Test
    void theDefaultModelIsAnEmbeddedHubFile() {
        assertThat(ModelSpec.DEFAULT.provider()).isEqualTo("llama");
        assertThat(ModelSource.parse(ModelSpec.DEFAULT.model())).isInstanceOf(ModelSource.HubFile.class);
    }
}
