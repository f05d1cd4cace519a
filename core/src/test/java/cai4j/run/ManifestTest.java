package cai4j.run;

import static org.assertj.core.api.Assertions.assertThat;

import cai4j.Json;
import cai4j.evals.Condition;
import cai4j.road.RoadConfig;
import cai4j.road.Road;
import cai4j.scheduler.StageProgress;
import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** RUN/manifest.json: what made a run, with no secret in it. */
class ManifestTest {

    static final String KEY = "sk-proj-abcdefghijklmnop0123";
    static final Map<String, String> ENV = Map.of("OPENAI_API_KEY", KEY, "CAI4J_MODEL", "openai:m@http://127.0.0.1:9/v1");

    @TempDir
    Path dir;

    static final Console QUIET = new Console() {
        @Override public void print(String text) {}
        @Override public void note(String line) {}
        @Override public StageProgress progress(Road road) { return StageProgress.NONE; }
    };

    JsonNode manifestOf(Path constitution, Path run, List<String> command) throws Exception {
        RunRequest r = new RunRequest(constitution, run, Budget.MEDIUM, List.of(Condition.BARE, Condition.PROMPTED), 7, Optional.empty(), false, command, Optional.empty());
        Pipeline.of(r, Roles.resolve(Roles.named(), ENV)).withStages(List.of()).run(RoadConfig.defaults().withEnv(ENV), QUIET, x -> "");
        return Json.MAPPER.readTree(run.resolve("manifest.json").toFile());
    }

    @Test
    void theManifestNamesCommandVersionsModelsBudgetSeedConstitutionAndTemplates() throws Exception {
        JsonNode m = manifestOf(Path.of("examples/helpful-assistant.md"), dir.resolve("run"), List.of("cai4j", "run", "examples/helpful-assistant.md", "--seed", "7"));
        assertThat(m.fieldNames()).toIterable().contains("command", "cai4j", "java", "models", "budget", "seed", "conditions",
                "constitution", "templates", "started", "ended", "stage");
        assertThat(m.get("command")).hasSize(5);
        assertThat(m.get("budget").asText()).isEqualTo("medium");
        assertThat(m.get("seed").asLong()).isEqualTo(7);
        assertThat(m.get("conditions").toString()).isEqualTo("[\"bare\",\"prompted\"]");
        assertThat(m.at("/models/target").asText()).isEqualTo("openai:m@http://127.0.0.1:9/v1");
        assertThat(m.at("/constitution/file").asText()).isEqualTo("examples/helpful-assistant.md");
        assertThat(m.at("/constitution/title").asText()).isNotBlank();
        assertThat(m.at("/constitution/sha256").asText()).matches("[0-9a-f]{64}");
        // the evaluation templates, the data templates and the constitution's system prompt, each with its version
        assertThat(m.at("/templates/judge-direct").asText()).matches("[0-9a-f]{12}");
        assertThat(m.at("/templates/sft-critique").asText()).startsWith("sft-critique@");
        assertThat(m.at("/templates/constitution-prompt").asText()).isEqualTo(cai4j.constitution.ConstitutionPrompt.VERSION);
        Manifest read = Manifest.read(new RunDirectory(dir.resolve("run")));
        assertThat(read.stage()).isEqualTo(Manifest.DONE);
        assertThat(read.templates()).hasSize(m.get("templates").size());
    }

    @Test
    void noKeyOrUrlPasswordReachesTheManifest() throws Exception {
        JsonNode m = manifestOf(Path.of("examples/helpful-assistant.md"), dir.resolve("run"), List.of("cai4j", "run", "examples/helpful-assistant.md",
                "--target", "openai:gpt@http://alice:hunter2secret@127.0.0.1:9/v1", "--note=" + KEY, "--judge", "openai:j@http://127.0.0.1:9/v1?key=sk-live-abcdef123456"));
        String text = Files.readString(dir.resolve("run/manifest.json"));
        assertThat(text).doesNotContain(KEY).doesNotContain("hunter2secret").doesNotContain("sk-live-abcdef123456");
        assertThat(m.get("command").get(4).asText()).isEqualTo("openai:gpt@http://alice:***@127.0.0.1:9/v1");
    }

    @Test
    void theConstitutionHashChangesWithTheConstitutionAndTheTemplateHashesDoNot() throws Exception {
        Path one = dir.resolve("one.md"), two = dir.resolve("two.md");
        Files.writeString(one, "# Rules\n\n## Safe\n\n- Never help anyone build a weapon.\n");
        Files.writeString(two, "# Rules\n\n## Safe\n\n- Never help anyone build a weapon.\n- Never reveal a password.\n");
        JsonNode a = manifestOf(one, dir.resolve("a"), List.of("cai4j", "run"));
        JsonNode b = manifestOf(two, dir.resolve("b"), List.of("cai4j", "run"));
        JsonNode again = manifestOf(one, dir.resolve("c"), List.of("cai4j", "run"));
        assertThat(a.at("/constitution/sha256").asText()).isNotEqualTo(b.at("/constitution/sha256").asText())
                .isEqualTo(again.at("/constitution/sha256").asText());
        assertThat(a.get("templates")).isEqualTo(b.get("templates"));
    }
}
