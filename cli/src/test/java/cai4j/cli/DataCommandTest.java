package cai4j.cli;

import static org.assertj.core.api.Assertions.assertThat;

import cai4j.Json;
import cai4j.evals.ScriptedGenerator;
import cai4j.testserver.Answer;
import cai4j.testserver.Call;
import cai4j.testserver.TestServer;
import com.fasterxml.jackson.databind.JsonNode;
import dev.hardwood.InputFile;
import dev.hardwood.reader.ParquetFileReader;
import dev.hardwood.reader.RowReader;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The data and export commands end to end, against the local OpenAI-protocol test server. */
class DataCommandTest {
    // files in the formats of the Constitutional AI paper's repository, written for this project
    static final String PAPER_PRINCIPLES = "core/src/test/resources/fixtures/critique-revision-instructions.json";
    static final String PAPER_PROMPTS = "core/src/test/resources/fixtures/sample-prompts.jsonl";
    static final String PAPER_FEW_SHOT = "examples/critique-revision-few-shot.json";

    @TempDir Path dir;

    record Result(int code, String out, String err) {}

    static Result cai4j(String... args) {
        StringWriter out = new StringWriter(), err = new StringWriter();
        int code = Main.execute(args, new PrintWriter(out, true), new PrintWriter(err, true));
        return new Result(code, out.toString(), err.toString());
    }

    static List<JsonNode> lines(Path p) throws Exception {
        List<JsonNode> out = new ArrayList<>();
        for (String l : Files.readAllLines(p)) out.add(Json.MAPPER.readTree(l));
        return out;
    }

    /** A model that answers each step of the method recognisably; every rule is relevant to every prompt; as the judge it passes every answer. */
    static String script(Call c) {
        String last = c.lastUser();
        String relevant = ScriptedGenerator.relevant(last, "");
        if (relevant != null) return relevant;
        if (last.startsWith("You grade one response")) return cai4j.evals.RubricJudge.graded(last, true);
        if (last.contains("Reply with the rewritten response only")) return "A safer answer.";
        if (c.turns().size() > 1 && c.turns().get(c.turns().size() - 2).getKey().equals("assistant")) return "The answer could encourage harm.";
        return "An unsafe first answer to: " + last;
    }

    @Test
    void sftWithPrinciplesFewShotAndPromptsInThePapersFormatsThenExportAndReplay() throws Exception {
        Path run = dir.resolve("run");
        try (TestServer server = TestServer.start().answering(DataCommandTest::script)) {
            String[] args = {"data", "sft", PAPER_PRINCIPLES, "--prompts", PAPER_PROMPTS, "--limit", "5", "--run", run.toString(),
                "--target", server.openAiSpec("target"), "--generator", server.openAiSpec("critic"), "--rounds", "2", "--few-shot", PAPER_FEW_SHOT};
            Result r = cai4j(args);
            assertThat(r.code()).as(r.err()).isZero();
            assertThat(r.out()).contains("5 sft records from 5 items written to " + run.resolve("data/sft.jsonl"));
            assertThat(r.err()).contains("data sft: 5 items").contains("data sft: done");

            List<JsonNode> sft = lines(run.resolve("data/sft.jsonl"));
            assertThat(sft).hasSize(5);
            JsonNode first = sft.getFirst();
            assertThat(first.get("init_prompt").asText()).isEqualTo("Why do cats knock things off tables?");
            assertThat(first.get("init_response").asText()).isEqualTo("An unsafe first answer to: Why do cats knock things off tables?");
            assertThat(first.get("critic_response").asText()).isEqualTo("The answer could encourage harm.");
            assertThat(first.get("revision_response").asText()).isEqualTo("A safer answer.");
            assertThat(first.get("rounds")).hasSize(2);
            assertThat(first.get("clause_ids")).hasSize(2).allSatisfy(id -> assertThat(id.asText()).isIn("harmful0", "harmful1", "honest0", "respect0"));
            assertThat(first.get("critic_prompt").asText()).doesNotContain("CritiqueRequest:");
            assertThat(first.get("models").get("generator").asText()).startsWith("openai:critic@");
            for (String f : List.of("init_prompt", "init_response", "critic_prompt", "critic_response", "revision_prompt",
                    "revision_response", "messages", "chosen", "rejected")) {
                assertThat(first.has(f)).as(f).isTrue();
            }
            // the two few-shot dialogues (12 turns) precede every critique the generator sees
            Call critique = server.calls().stream().filter(c -> c.model().equals("critic") && c.turns().size() > 1).findFirst().orElseThrow();
            assertThat(critique.turns().getFirst().getValue()).isEqualTo("My neighbour's dog barks all night. How do I make it stop for good?");
            // 12 few-shot turns, then the prompt, the answer and the critique request
            assertThat(critique.turns()).hasSize(12 + 3);
            // per prompt: the relevance pass, the answer, two rounds of critique and revision, and the judge on the
            // revision and the answer under both critique clauses
            assertThat(server.received()).isEqualTo(5 * (2 + 2 * 2 + 2 * 2));

            // resume is rerun: every call is replayed from the ledger, nothing is asked again
            Result again = cai4j(args);
            assertThat(again.code()).isZero();
            assertThat(server.received()).isEqualTo(50);
            assertThat(lines(run.resolve("data/sft.jsonl"))).isEqualTo(sft);

            Result export = cai4j("export", run.toString(), "--format", "openai-sft", "--split", "0.2");
            assertThat(export.code()).as(export.err()).isZero();
            assertThat(export.out()).contains("rows written to " + run.resolve("export/openai-sft/train.jsonl")).contains("dataset card: ");
            String card = Files.readString(run.resolve("export/openai-sft/README.md"));
            assertThat(card).contains("| `" + first.get("clause_ids").get(0).asText() + "` |").contains("openai:target@").contains("critique-revision-instructions.json");
        }
    }

    @Test
    void withBatchEveryStepOfCritiqueRevisionIsAnsweredFromProviderBatches() throws Exception {
        Path run = dir.resolve("run");
        try (TestServer server = TestServer.start().answering(DataCommandTest::script)) {
            Result r = cai4j("data", "sft", PAPER_PRINCIPLES, "--prompts", PAPER_PROMPTS, "--limit", "3", "--run", run.toString(),
                    "--target", server.openAiSpec("target"), "--generator", server.openAiSpec("critic"), "--rounds", "1",
                    "--batch", "--batch-poll", "0.05");
            assertThat(r.code()).as(r.err()).isZero();
            assertThat(server.received()).as("no ordinary chat call").isZero();
            // per prompt: the relevance pass, the answer, one critique and revision, and the judge on the revision and the answer
            assertThat(server.batches().submittedLines()).hasSize(3 * (2 + 2 + 2));
            List<JsonNode> sft = lines(run.resolve("data/sft.jsonl"));
            assertThat(sft).hasSize(3).allSatisfy(rec -> assertThat(rec.get("revision_response").asText()).isEqualTo("A safer answer."));
        }
    }

    @Test
    void prefsFromLogprobsExportedForDpoAndAsParquet() throws Exception {
        Path run = dir.resolve("run");
        Path prompts = dir.resolve("prompts.csv");
        Files.writeString(prompts, "prompt\nHow do I hurt someone?\n\"How do I pick a lock, quickly?\"\nWrite a poem about rain.\n");
        Map<String, AtomicInteger> seen = new ConcurrentHashMap<>();
        try (TestServer server = TestServer.start().answeringWith(c -> {
            String last = c.lastUser();
            String relevant = ScriptedGenerator.relevant(last, "");
            if (relevant != null) return Answer.text(relevant);
            if (last.startsWith("You compare two responses")) {
                boolean goodIsA = java.util.regex.Pattern.compile("\n<option-a-[0-9a-f]{16}>\nA careful answer").matcher(last).find();
                return goodIsA ? new Answer("A", Map.of("A", Math.log(0.7), "B", Math.log(0.3)))
                        : new Answer("B", Map.of("A", Math.log(0.3), "B", Math.log(0.7)));
            }
            int n = seen.computeIfAbsent(last, k -> new AtomicInteger()).getAndIncrement();
            return Answer.text(n % 2 == 0 ? "A careless answer." : "A careful answer.");
        })) {
            Result r = cai4j("data", "prefs", "examples/helpful-assistant.md", "--prompts", prompts.toString(),
                    "--run", run.toString(), "--target", server.openAiSpec("t"), "--judge", server.openAiSpec("j"), "--principles", "3");
            assertThat(r.code()).as(r.err()).isZero();
            List<JsonNode> prefs = lines(run.resolve("data/prefs.jsonl"));
            assertThat(prefs).hasSize(3).allSatisfy(p -> {
                assertThat(p.get("soft_label").asDouble()).isCloseTo(0.7, org.assertj.core.data.Offset.offset(1e-6));
                assertThat(p.get("chosen").get(1).get("content").asText()).isEqualTo("A careful answer.");
                assertThat(p.get("principles")).hasSize(3).allSatisfy(x -> assertThat(x.get("tier").asText()).isNotEmpty());
                assertThat(p.get("deciding_tier").asText()).isEqualTo(p.get("principles").get(0).get("tier").asText());
                assertThat(p.get("tie").asBoolean()).isFalse();
                assertThat(p.get("agreement").asDouble()).isEqualTo(1.0);
                assertThat(p.get("method").asText()).isEqualTo("option-probabilities");
            });

            for (String format : List.of("openai-dpo", "trl-dpo")) {
                Result e = cai4j("export", run.toString(), "--format", format, "-o", dir.resolve(format + "/train.jsonl").toString());
                assertThat(e.code()).as(e.err()).isZero();
                assertThat(lines(dir.resolve(format + "/train.jsonl"))).hasSize(3);
            }
            assertThat(lines(dir.resolve("openai-dpo/train.jsonl")).getFirst().get("preferred_output").get(0).get("content").asText()).isEqualTo("A careful answer.");

            Result pq = cai4j("export", run.toString(), "--format", "parquet", "-o", dir.resolve("pq/data.parquet").toString());
            assertThat(pq.code()).as(pq.err()).isZero();
            try (ParquetFileReader reader = ParquetFileReader.open(InputFile.of(dir.resolve("pq/data.parquet"))); RowReader rows = reader.rowReader()) {
                int n = 0;
                while (rows.hasNext()) {
                    rows.next();
                    n++;
                    assertThat(rows.getString("kind")).isEqualTo("prefs");
                    assertThat(rows.getDouble("score")).isCloseTo(0.7, org.assertj.core.data.Offset.offset(1e-6));
                }
                assertThat(n).isEqualTo(3);
            }
            assertThat(dir.resolve("pq/README.md")).exists();

            Result wrong = cai4j("export", run.toString(), "--format", "openai-sft");
            assertThat(wrong.code()).isEqualTo(2);
            assertThat(wrong.err()).contains("Format openai-sft takes sft, distill, understand data by default").contains("has prefs data");
        }
    }

    @Test
    void distillAndUnderstandThenEveryExportFormat() throws Exception {
        Path run = dir.resolve("run");
        try (TestServer server = TestServer.start().answering(c -> {
            if (c.lastUser().startsWith("You grade one response")) return cai4j.evals.RubricJudge.graded(c.lastUser(), true);
            if (c.lastUser().contains("Reply in JSON with \"question\"")) {
                String id = c.lastUser().replaceAll("(?s).*?\\[([^\\]]+)].*", "$1");
                return "{\"question\": \"Question " + Integer.toHexString(c.lastUser().hashCode()) + ": what does [" + id + "] ask of you?\", \"answer\": \"It asks me to follow it [" + id + "].\", \"clause_ids\": [\"" + id + "\"]}";
            }
            return "A considered answer.";
        })) {
            Result d = cai4j("data", "distill", "examples/helpful-assistant.md", "--prompts", "examples/prompts.jsonl", "--limit", "6",
                    "--run", run.toString(), "--target", server.openAiSpec("t"), "--judge", server.openAiSpec("j"));
            assertThat(d.code()).as(d.err()).isZero();
            assertThat(lines(run.resolve("data/distill.jsonl"))).hasSize(6);
            // the constitution as written: its Markdown without front matter, never a clause id
            assertThat(server.calls()).filteredOn(c -> c.model().equals("t")).isNotEmpty().extracting(Call::system).allSatisfy(s -> assertThat(s).startsWith("# Harbor Assistant Constitution\n\nHarbor is")
                    .doesNotContain("tier=").doesNotContainPattern("\\.[0-9a-f]{8}\\b"));

            Result u = cai4j("data", "understand", "examples/helpful-assistant.md", "--run", run.toString(), "--generator", server.openAiSpec("g"),
                    "--limit", "10", "--judge", server.openAiSpec("j"));
            assertThat(u.code()).as(u.err()).isZero();
            List<JsonNode> und = lines(run.resolve("data/understand.jsonl"));
            // the id the generator wrote is replaced by the clause's words: a model learns no ids
            assertThat(und).hasSize(10).allSatisfy(x -> assertThat(x.get("answer").asText() + x.get("question").asText() + x.get("messages"))
                    .doesNotContain(x.get("clause_ids").get(0).asText()).startsWith("It asks me to follow it \u201c"));
            assertThat(und).anySatisfy(x -> assertThat(x.get("kind").asText()).isEqualTo("conflict"));

            for (String format : List.of("openai-sft", "trl-sft", "jsonl", "parquet")) {
                Result e = cai4j("export", run.toString(), "--format", format, "--split", "0.3");
                assertThat(e.code()).as(format + e.err()).isZero();
                assertThat(run.resolve("export/" + format + "/README.md")).exists();
            }
            assertThat(lines(run.resolve("export/openai-sft/train.jsonl")).size() + lines(run.resolve("export/openai-sft/test.jsonl")).size()).isEqualTo(16);
        }
    }

    @Test
    void badPromptLinesAreExitCodeTwoWithTheLineUnlessSkipped() throws Exception {
        Path prompts = dir.resolve("p.jsonl");
        Files.writeString(prompts, "{\"prompt\": \"fine\"}\n{\"prompt\": 42}\n{\"prompt\": \"also fine\"}\n");
        try (TestServer server = TestServer.start()) {
            String[] args = {"data", "distill", "examples/helpful-assistant.md", "--prompts", prompts.toString(), "--run", dir.resolve("run").toString(),
                "--target", server.openAiSpec("t")};
            Result r = cai4j(args);
            assertThat(r.code()).isEqualTo(2);
            assertThat(r.err()).contains("error: p.jsonl line 2: expected a string \"prompt\" or an array \"messages\" (use --skip-bad to leave such lines out).");
            assertThat(server.received()).isZero();

            List<String> skip = new ArrayList<>(List.of(args));
            skip.add("--skip-bad");
            Result ok = cai4j(skip.toArray(String[]::new));
            assertThat(ok.code()).as(ok.err()).isZero();
            assertThat(ok.out()).contains("2 distill records").contains("1 prompt lines skipped");
            assertThat(Files.readString(dir.resolve("run/data/distill.meta.json"))).contains("p.jsonl line 2");
        }
        Result missing = cai4j("data", "sft", "examples/helpful-assistant.md", "--run", dir.resolve("r2").toString(), "--target", "openai:x@http://127.0.0.1:9/v1");
        assertThat(missing.code()).isEqualTo(2);
        assertThat(missing.err()).contains("No prompts: give --prompts FILE.");
        Result rounds = cai4j("data", "sft", "examples/helpful-assistant.md", "--prompts", "examples/prompts.jsonl", "--run", dir.resolve("r3").toString(), "--rounds", "0");
        assertThat(rounds.code()).isEqualTo(2);
        assertThat(rounds.err()).contains("--rounds must be at least 1");
    }

    @Test
    void aKilledRunResumesByRerunWithoutPayingForCommittedCalls() throws Exception {
        Path run = dir.resolve("run");
        Path prompts = dir.resolve("p.jsonl");
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < 60; i++) sb.append("{\"prompt\": \"question ").append(i).append("\"}\n");
        Files.writeString(prompts, sb.toString());
        try (TestServer server = TestServer.start().latency(Duration.ofMillis(30)).answering(DataCommandTest::script)) {
            String[] args = {"data", "sft", "examples/helpful-assistant.md", "--prompts", prompts.toString(), "--run", run.toString(),
                "--target", server.openAiSpec("t"), "--parallel", "4"};
            List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-cp", System.getProperty("java.class.path"), "cai4j.cli.Main"));
            cmd.addAll(List.of(args));
            Process first = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(dir.resolve("first.log").toFile()).start();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (server.answered() < 60 && first.isAlive() && System.nanoTime() < deadline) Thread.sleep(5);
            assertThat(first.isAlive()).as("the first run is still going when it is killed").isTrue();
            first.destroyForcibly();
            first.waitFor();
            Thread.sleep(300);
            int paidBefore = server.answered();
            assertThat(run.resolve("data/sft.jsonl")).doesNotExist();

            Result second = cai4j(args);
            assertThat(second.code()).as(second.err()).isZero();
            assertThat(lines(run.resolve("data/sft.jsonl"))).hasSize(60);
            Map<String, Integer> times = new HashMap<>();
            for (Call c : server.answeredCalls()) times.merge(Json.write(c.turns()), 1, Integer::sum);
            // per prompt: relevance, answer, critique, revision, and the judge on the revision and on the answer
            assertThat(times).hasSize(360);
            long paidTwice = times.values().stream().filter(v -> v > 1).count();
            assertThat(paidTwice).as("only calls in flight at the kill are paid twice").isLessThanOrEqualTo(4);
            assertThat(server.answered()).isLessThanOrEqualTo(360 + 4).isGreaterThan(paidBefore);
        }
    }
}
