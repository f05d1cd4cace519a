package cai4j.model.llama;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import cai4j.InputError;
import cai4j.model.ChatRequest;
import cai4j.model.LanguageModel;
import cai4j.model.Message;
import cai4j.model.ModelSpec;
import cai4j.testmodel.TinyGguf;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The downloader against a local server that answers like Hugging Face's resolve URLs. */
class HubDownloaderTest {
    @TempDir
    Path home;
    FakeHub hub;
    Map<String, String> env;
    ModelCache cache;
    byte[] content;
    final ModelSource.HubFile source = new ModelSource.HubFile("acme", "tiny-GGUF", "tiny-q8_0.gguf");

    @BeforeEach
    void start() throws Exception {
        hub = new FakeHub();
        content = new byte[300_000];
        new Random(1).nextBytes(content);
        hub.put(source.text(), content);
        env = Map.of("CAI4J_HOME", home.toString(), "CAI4J_HF_ENDPOINT", hub.endpoint(), "HF_TOKEN", "hf_secret");
        cache = ModelCache.from(env);
    }

    @AfterEach
    void stop() {
        hub.close();
    }

    HubDownloader downloader() {
        return new HubDownloader(cache, env);
    }

    Path file() {
        return cache.fileOf(source);
    }

    @Test
    void downloadsVerifiesAndMarksTheFileThenServesItFromTheCache() throws Exception {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        Path f = downloader().fetch(source, Progress.bar("downloading", new PrintStream(err, true)));
        assertThat(f).isEqualTo(home.resolve("models/acme/tiny-GGUF/tiny-q8_0.gguf"));
        assertThat(Files.readAllBytes(f)).isEqualTo(content);
        assertThat(ModelCache.marker(f)).exists();
        assertThat(Files.readString(ModelCache.marker(f))).contains(FakeHub.sha256(content)).contains("\"size\" : 300000");
        assertThat(ModelCache.partial(f)).doesNotExist();
        assertThat(err.toString()).contains("downloading").contains("100.0%");
        // the token goes to the hub, not to the storage it redirects to
        assertThat(hub.hits).extracting(FakeHub.Hit::authorization).containsExactly("Bearer hf_secret", null);

        int before = hub.hits.size();
        assertThat(downloader().fetch(source, Progress.NONE)).isEqualTo(f);
        assertThat(hub.hits).hasSize(before);
        assertThat(cache.list()).singleElement().satisfies(e -> {
            assertThat(e.spec()).isEqualTo("llama:acme/tiny-GGUF/tiny-q8_0.gguf");
            assertThat(e.complete()).isTrue();
            assertThat(e.bytes()).isEqualTo(300_000);
        });
    }

    @Test
    void resumesAPartialDownloadWithAnHttpRange() throws Exception {
        Files.createDirectories(file().getParent());
        Files.write(ModelCache.partial(file()), Arrays.copyOf(content, 123_456));
        assertThat(cache.list()).singleElement().satisfies(e -> assertThat(e.complete()).isFalse());

        Path f = downloader().fetch(source, Progress.NONE);
        assertThat(Files.readAllBytes(f)).isEqualTo(content);
        assertThat(hub.hits).extracting(FakeHub.Hit::range).contains("bytes=123456-");
    }

    @Test
    void aTruncatedTransferSaysSoLeavesNoModelFileAndResumesOnTheNextRun() throws Exception {
        hub.truncate.put(source.text(), true);
        assertThatThrownBy(() -> downloader().fetch(source, Progress.NONE))
                .isInstanceOf(InputError.class)
                .hasMessageContaining("llama:acme/tiny-GGUF/tiny-q8_0.gguf")
                .hasMessageContaining("stopped at")
                .hasMessageContaining("run the command again to resume");
        assertThat(file()).doesNotExist();
        assertThat(ModelCache.marker(file())).doesNotExist();
        long kept = Files.size(ModelCache.partial(file()));
        assertThat(kept).isPositive().isLessThan(content.length);

        hub.truncate.put(source.text(), false);
        Path f = downloader().fetch(source, Progress.NONE);
        assertThat(Files.readAllBytes(f)).isEqualTo(content);
        assertThat(hub.hits).extracting(FakeHub.Hit::range).contains("bytes=" + kept + "-");
    }

    @Test
    void aChecksumMismatchDeletesTheDownloadAndSaysSo() {
        hub.publishedSha.put(source.text(), "0".repeat(64));
        assertThatThrownBy(() -> downloader().fetch(source, Progress.NONE))
                .isInstanceOf(InputError.class)
                .hasMessageContaining("SHA-256")
                .hasMessageContaining("expected " + "0".repeat(64))
                .hasMessageContaining("deleted");
        assertThat(file()).doesNotExist();
        assertThat(ModelCache.partial(file())).doesNotExist();
        assertThat(ModelCache.marker(file())).doesNotExist();
    }

    @Test
    void aMissingFileIsA404NamingTheUrlAndTheLocalAlternative() {
        var missing = new ModelSource.HubFile("acme", "tiny-GGUF", "nope.gguf");
        assertThatThrownBy(() -> downloader().fetch(missing, Progress.NONE))
                .isInstanceOf(InputError.class)
                .hasMessageContaining("HTTP 404")
                .hasMessageContaining(hub.endpoint() + "/acme/tiny-GGUF/resolve/main/nope.gguf")
                .hasMessageContaining("llama:/path/to/model.gguf")
                .hasMessageNotContaining("hf_secret");
        assertThat(cache.fileOf(missing)).doesNotExist();
        assertThat(ModelCache.partial(cache.fileOf(missing))).doesNotExist();
    }

    @Test
    void anUnreachableHubIsOneSentenceNamingModelUrlAndTheLocalAlternative() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        var offline = Map.of("CAI4J_HOME", home.toString(), "CAI4J_HF_ENDPOINT", "http://127.0.0.1:" + port);
        assertThatThrownBy(() -> new HubDownloader(cache, offline).fetch(source, Progress.NONE))
                .isInstanceOf(InputError.class)
                .hasMessageStartingWith("Cannot download llama:acme/tiny-GGUF/tiny-q8_0.gguf from http://127.0.0.1:" + port)
                .hasMessageContaining("llama:/path/to/model.gguf");
        assertThat(file()).doesNotExist();
    }

    @Test
    void aHubSpecDownloadsOnFirstUseAndAnswers() throws Exception {
        Path tiny = TinyGguf.write(home.resolve("src"));
        hub.put("acme/tiny-GGUF/tiny.gguf", Files.readAllBytes(tiny));
        try (LanguageModel m = new LlamaProvider().open(ModelSpec.parse("llama:acme/tiny-GGUF/tiny.gguf"), env)) {
            assertThat(m.complete(ChatRequest.of(List.of(Message.user("hi"))).withMaxTokens(4)).text()).isNotNull();
        }
        assertThat(cache.complete(new ModelSource.HubFile("acme", "tiny-GGUF", "tiny.gguf"))).isPresent();
    }
}
