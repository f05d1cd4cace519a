package cai4j.cli;

import static org.assertj.core.api.Assertions.assertThat;

import cai4j.model.llama.FakeHub;
import cai4j.model.llama.HubDownloader;
import cai4j.model.llama.ModelCache;
import cai4j.model.llama.ModelSource;
import cai4j.model.llama.Progress;
import cai4j.testmodel.TinyGguf;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class ModelsCommandTest {
    @TempDir
    Path dir;

    record Run(int code, String out, String err) {}

    static Run cai4j(String... args) {
        StringWriter out = new StringWriter(), err = new StringWriter();
        int code = Main.execute(args, new PrintWriter(out, true), new PrintWriter(err, true));
        return new Run(code, out.toString(), err.toString());
    }

    @Test
    void pullOfALocalFilePrintsItsPath() {
        Path tiny = TinyGguf.write(dir);
        Run r = cai4j("models", "pull", "llama:" + tiny);
        assertThat(r.code()).isZero();
        assertThat(r.out().strip()).isEqualTo(tiny.toAbsolutePath().toString());
    }

    @Test
    void pullOfAMissingFileIsBadInputInOneSentence() {
        Run r = cai4j("models", "pull", "llama:" + dir.resolve("missing.gguf"));
        assertThat(r.code()).isEqualTo(Main.BAD_INPUT);
        assertThat(r.err()).startsWith("error: The model file ").contains("does not exist").doesNotContain("Exception");
    }

    @Test
    void pullOfARemoteProviderIsBadInput() {
        Run r = cai4j("models", "pull", "openai:gpt-4o-mini");
        assertThat(r.code()).isEqualTo(Main.BAD_INPUT);
        assertThat(r.err()).contains("needs no download");
    }

    @Test
    void pullDownloadsFromTheHubEndpointThenListShowsIt() throws Exception {
        try (FakeHub hub = new FakeHub()) {
            hub.put("acme/tiny-GGUF/tiny.gguf", Files.readAllBytes(TinyGguf.write(dir)));
            Map<String, String> env = Map.of("CAI4J_HOME", dir.resolve("home").toString(), "CAI4J_HF_ENDPOINT", hub.endpoint());
            StringWriter out = new StringWriter();
            CommandLine cl = new CommandLine(new ModelsCommand(env));
            cl.setOut(new PrintWriter(out, true));
            assertThat(cl.execute("pull", "llama:acme/tiny-GGUF/tiny.gguf")).isZero();
            assertThat(Path.of(out.toString().strip())).hasSameBinaryContentAs(dir.resolve("tiny.gguf"));

            StringWriter listed = new StringWriter();
            cl.setOut(new PrintWriter(listed, true));
            assertThat(cl.execute("list")).isZero();
            assertThat(listed.toString()).contains("SPEC").contains("llama:acme/tiny-GGUF/tiny.gguf").contains("complete");
        }
    }

    @Test
    void listReadsTheCacheNamedByCai4jHome() throws Exception {
        Path home = Path.of(System.getenv("CAI4J_HOME"));
        try (FakeHub hub = new FakeHub()) {
            hub.put("acme/listed-GGUF/listed.gguf", new byte[2048]);
            var env = Map.of("CAI4J_HOME", home.toString(), "CAI4J_HF_ENDPOINT", hub.endpoint());
            new HubDownloader(ModelCache.from(env), env).fetch(new ModelSource.HubFile("acme", "listed-GGUF", "listed.gguf"), Progress.NONE);
        }
        Run r = cai4j("models", "list");
        assertThat(r.code()).isZero();
        assertThat(r.out()).contains("llama:acme/listed-GGUF/listed.gguf").contains("2.0 KiB").contains("complete");
    }
}
