package cai4j.cli;

import static org.assertj.core.api.Assertions.assertThat;

import cai4j.Json;
import cai4j.testmodel.TinyGguf;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** `cai4j batch` on the embedded llama.cpp runtime, with the tiny generated model: no network, no key. */
class EmbeddedBatchTest {

    @TempDir
    Path dir;

    @Test
    void batchRunsOnTheEmbeddedModelAndReplaysOnRerun() throws Exception {
        Path model = TinyGguf.write(dir);
        Path input = dir.resolve("in.jsonl");
        Files.writeString(input, """
                {"id": "a", "messages": [{"role": "user", "content": "Hello"}], "max_tokens": 8, "seed": 1}
                {"id": "b", "messages": [{"role": "user", "content": "Name a colour."}], "max_tokens": 8, "seed": 2}
                {"id": "c", "messages": [{"role": "user", "content": "Answer in JSON."}], "max_tokens": 24, "json_schema": {"type": "object", "properties": {"ok": {"type": "boolean"}}, "required": ["ok"]}}
                """);
        Path out = dir.resolve("out.jsonl");
        String[] args = {"batch", input.toString(), "--model", "llama:" + model, "-o", out.toString(), "--run", dir.resolve("run").toString()};
        StringWriter err = new StringWriter();
        int code = Main.execute(args, new PrintWriter(new StringWriter(), true), new PrintWriter(err, true));
        assertThat(code).as(err.toString()).isZero();
        List<String> first = Files.readAllLines(out);
        assertThat(first).hasSize(3);
        JsonNode json = Json.MAPPER.readTree(first.get(2));
        assertThat(json.get("id").asText()).isEqualTo("c");
        assertThat(Json.MAPPER.readTree(json.get("completion").asText()).get("ok").isBoolean()).isTrue();

        StringWriter again = new StringWriter();
        assertThat(Main.execute(args, new PrintWriter(new StringWriter(), true), new PrintWriter(again, true))).isZero();
        assertThat(Files.readAllLines(out)).isEqualTo(first);
        StringWriter stats = new StringWriter();
        Main.execute(new String[] {"ledger", "stats", dir.resolve("run").toString(), "--json"}, new PrintWriter(stats, true), new PrintWriter(new StringWriter(), true));
        JsonNode llama = Json.MAPPER.readTree(stats.toString()).get(0);
        assertThat(llama.get("answered").asInt()).isEqualTo(3);
        assertThat(llama.get("replays").asInt()).as("the rerun replayed every call").isEqualTo(3);
        assertThat(llama.get("costUsd").asDouble()).isZero();

        // every prompt begins with the chat template's user turn, which the slot then has cached
        StringWriter stages = new StringWriter();
        Main.execute(new String[] {"ledger", "stats", dir.resolve("run").toString(), "--stages", "--json"}, new PrintWriter(stages, true), new PrintWriter(new StringWriter(), true));
        JsonNode target = Json.MAPPER.readTree(stages.toString()).get(0);
        assertThat(target.get("stage").asText()).isEqualTo("target");
        assertThat(target.get("calls").asInt()).isEqualTo(3);
        assertThat(target.get("cachedTokens").asLong()).isPositive().isLessThan(target.get("inputTokens").asLong());
        StringWriter table = new StringWriter();
        Main.execute(new String[] {"ledger", "stats", dir.resolve("run").toString(), "--stages"}, new PrintWriter(table, true), new PrintWriter(new StringWriter(), true));
        assertThat(table.toString()).contains("cached tok").contains("target").contains("llama:" + model);
    }
}
