package cai4j.cli;

import static org.assertj.core.api.Assertions.assertThat;

import cai4j.Json;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CompileCommandTest {

    @TempDir
    Path dir;

    record Run(int code, String out, String err) {}

    static Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.execute(args, new PrintWriter(out, true), new PrintWriter(err, true));
        return new Run(code, out.toString(), err.toString());
    }

    @Test
    void helpListsOnlyWorkingCommands() {
        Run r = run("--help");
        assertThat(r.code()).isZero();
        assertThat(r.out()).contains("compile").contains("Exit codes");
    }

    @Test
    void versionPrintsTheToolAndJavaVersion() {
        Run r = run("--version");
        assertThat(r.code()).isZero();
        assertThat(r.out()).startsWith("cai4j ").contains("Java ");
    }

    @Test
    void theExampleConstitutionHasFourTiersAndAboutTwentyClauses() throws Exception {
        Run r = run("compile", "examples/helpful-assistant.md", "--json");
        assertThat(r.code()).isZero();
        JsonNode c = Json.MAPPER.readTree(r.out());
        assertThat(c.get("tiers")).hasSize(4);
        assertThat(c.get("tiers").get(0).get("id").asText()).isEqualTo("safe");
        long rules = 0;
        for (JsonNode clause : c.get("clauses")) if (clause.get("kind").asText().equals("rule")) rules++;
        assertThat(rules).isBetween(18L, 30L);
        for (String field : new String[] {"title", "source", "sha256", "tiers", "clauses"}) assertThat(c.has(field)).isTrue();
        JsonNode first = c.get("clauses").get(0);
        for (String field : new String[] {"id", "tier", "section", "text", "line", "kind"}) assertThat(first.has(field)).as(field).isTrue();
    }

    @Test
    void outputFileAndHumanSummary() throws Exception {
        Path out = dir.resolve("constitution.json");
        Run r = run("compile", "examples/helpful-assistant.md", "-o", out.toString());
        assertThat(r.code()).isZero();
        assertThat(r.out()).contains("Harbor Assistant Constitution").contains("safe").contains("first clauses");
        assertThat(Json.MAPPER.readTree(Files.readString(out)).get("clauses").size()).isGreaterThan(20);
    }

    @Test
    void badInputExitsTwoWithOneSentenceAndNoStackTrace() throws Exception {
        Path broken = dir.resolve("broken.json");
        Files.writeString(broken, "{\"principles\": [\n");
        Run r = run("compile", broken.toString());
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err().strip().lines()).hasSize(1);
        assertThat(r.err()).startsWith("error: " + broken).doesNotContain("Exception").doesNotContain("\tat ");
    }

    @Test
    void debugShowsTheStackTrace() throws Exception {
        Run r = run("--debug", "compile", dir.resolve("missing.md").toString());
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("InputError").contains("\tat ");
    }

    @Test
    void unknownOptionIsAUsageError() {
        Run r = run("compile", "--frobnicate", "x.md");
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("--frobnicate").contains("cai4j compile --help");
    }

    @Test
    void checkExitsOneOnWarningsAndZeroWhenClean() throws Exception {
        Path dup = dir.resolve("dup.md");
        Files.writeString(dup, "- Be kind.\n- Be kind.\n");
        Run warned = run("compile", "--check", dup.toString());
        assertThat(warned.code()).isEqualTo(1);
        assertThat(warned.out()).contains("duplicate-clause").contains(dup + ":2:");
        assertThat(run("compile", "--check", "examples/helpful-assistant.md").code()).isZero();
    }

    @Test
    void sizeLimitIsConfigurable() {
        Run r = run("compile", "--max-size", "1KB", "corpus/openai-model-spec-2025-12-18.md");
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("above the").contains("--max-size");
    }
}
