package cai4j.cli;

import static cai4j.cli.EvalsCommandTest.cli;
import static org.assertj.core.api.Assertions.assertThat;

import cai4j.Json;
import cai4j.RunLock;
import cai4j.cli.EvalsCommandTest.Run;
import cai4j.testserver.TestServer;
import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Misuse of a run directory never loses or mixes data: one command at a time, one constitution
 * per run, no output over an input or the run's own data, partial reruns merged.
 */
class RunDirectoryMisuseTest {

    @TempDir
    Path dir;

    TestServer server;
    Path run;

    @BeforeEach
    void start() {
        server = TestServer.start().answering(EvalsCommandTest::answer);
        run = dir.resolve("run");
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private Run generate(String constitution) {
        return cli("evals", "generate", constitution, "--run", run.toString(), "--per-clause", "2",
                "--kinds", "direct,attack,benign", "--clauses", "safe", "--sample", "2", "--seed", "3",
                "--generator", server.openAiSpec("gen"), "--judge", server.openAiSpec("judge"));
    }

    private Run evalsRun(String conditions) {
        return cli("evals", "run", "--run", run.toString(), "--target", server.openAiSpec("target"),
                "--judge", server.openAiSpec("judge"), "--conditions", conditions);
    }

    private Path batchInput() throws Exception {
        Path in = dir.resolve("in.jsonl");
        Files.writeString(in, "{\"id\":\"q1\",\"messages\":[{\"role\":\"user\",\"content\":\"hello\"}]}\n"
                + "{\"id\":\"q2\",\"messages\":[{\"role\":\"user\",\"content\":\"again\"}]}\n");
        return in;
    }

    /** A process that is alive while the test runs, to own a lock. */
    private static Process otherProcess() throws Exception {
        return new ProcessBuilder("sleep", "60").start();
    }

    @Test
    void aSecondProcessOnARunDirectoryIsRefusedBeforeAnyCallAndWritesNothing() throws Exception {
        assertThat(generate("examples/helpful-assistant.md").code()).isZero();
        assertThat(run.resolve(RunLock.FILE)).as("released when the command ends").doesNotExist();
        List<String> scenarios = Files.readAllLines(run.resolve("evals/scenarios.jsonl"));
        Process other = otherProcess();
        try {
            Files.writeString(run.resolve(RunLock.FILE), other.pid() + "\n");
            int calls = server.calls().size();
            for (Run r : List.of(evalsRun("bare"), generate("examples/helpful-assistant.md"),
                    cli("report", run.toString()), cli("export", run.toString(), "--format", "jsonl"),
                    cli("batch", batchInput().toString(), "--model", server.openAiSpec("target"), "-o", dir.resolve("out.jsonl").toString(),
                            "--run", run.toString()))) {
                assertThat(r.code()).as(r.err()).isEqualTo(Main.BAD_INPUT);
                assertThat(r.err()).contains("is in use by another cai4j command (process " + other.pid() + ")").doesNotContain("Exception");
            }
            assertThat(server.calls()).as("no call made").hasSize(calls);
            assertThat(run.resolve("evals/responses.jsonl")).doesNotExist();
            assertThat(Files.readAllLines(run.resolve("evals/scenarios.jsonl"))).isEqualTo(scenarios);
            assertThat(Files.readString(run.resolve(RunLock.FILE)).strip()).as("the owner's lock is left alone").isEqualTo(String.valueOf(other.pid()));
        } finally {
            other.destroyForcibly().waitFor();
        }
    }

    @Test
    void aLockWhoseProcessIsGoneIsTakenOver() throws Exception {
        assertThat(generate("examples/helpful-assistant.md").code()).isZero();
        Process gone = new ProcessBuilder("true").start();
        gone.waitFor();
        Files.writeString(run.resolve(RunLock.FILE), gone.pid() + "\n");
        Run r = evalsRun("bare");
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(run.resolve(RunLock.FILE)).doesNotExist();
    }

    @Test
    void anotherConstitutionOverAnExistingRunIsRefusedAndItsResultsKept() throws Exception {
        assertThat(generate("examples/helpful-assistant.md").code()).isZero();
        assertThat(evalsRun("bare").code()).isZero();
        String constitution = Files.readString(run.resolve("constitution.json"));
        List<String> verdicts = Files.readAllLines(run.resolve("evals/verdicts.jsonl"));
        Path other = dir.resolve("other.md");
        Files.writeString(other, "# Other\n\n## Safe\n\n- Never reveal a password.\n- Never write malware.\n");
        int calls = server.calls().size();

        Run r = generate(other.toString());
        assertThat(r.code()).as(r.err()).isEqualTo(Main.BAD_INPUT);
        assertThat(r.err()).contains("was made from another constitution").contains("use a new --run").contains("--start-over");
        assertThat(server.calls()).hasSize(calls);
        assertThat(Files.readString(run.resolve("constitution.json"))).isEqualTo(constitution);
        assertThat(Files.readAllLines(run.resolve("evals/verdicts.jsonl"))).isEqualTo(verdicts);
        Run data = cli("data", "sft", other.toString(), "--prompts", "examples/prompts.jsonl", "--run", run.toString(),
                "--target", server.openAiSpec("target"), "--generator", server.openAiSpec("gen"), "--judge", server.openAiSpec("judge"));
        assertThat(data.code()).as(data.err()).isEqualTo(Main.BAD_INPUT);
        assertThat(data.err()).contains("was made from another constitution");
        Run whole = cli("run", other.toString(), "--run", run.toString(), "--target", server.openAiSpec("target"),
                "--judge", server.openAiSpec("judge"), "--generator", server.openAiSpec("gen"));
        assertThat(whole.code()).as(whole.err()).isEqualTo(Main.BAD_INPUT);
        assertThat(whole.err()).contains("was made from another constitution");
        assertThat(server.calls()).as("refused before any call").hasSize(calls);
        assertThat(Files.readAllLines(run.resolve("evals/verdicts.jsonl"))).isEqualTo(verdicts);
    }

    @Test
    void batchRefusesToWriteItsAnswersOverItsRequestsOrTheRunsLedger() throws Exception {
        Path in = batchInput();
        String requests = Files.readString(in);
        Run same = cli("batch", in.toString(), "--model", server.openAiSpec("target"), "-o", dir.resolve(".").resolve("in.jsonl").toString(),
                "--run", run.toString());
        assertThat(same.code()).as(same.err()).isEqualTo(Main.BAD_INPUT);
        assertThat(same.err()).contains("is the input file");
        assertThat(Files.readString(in)).isEqualTo(requests);
        Run ledger = cli("batch", in.toString(), "--model", server.openAiSpec("target"), "-o", run.resolve("ledger.db").toString(),
                "--run", run.toString());
        assertThat(ledger.code()).isEqualTo(Main.BAD_INPUT);
        assertThat(ledger.err()).contains("part of the run's own data");
        assertThat(server.calls()).isEmpty();
    }

    @Test
    void exportRefusesToWriteOverTheRunsData() throws Exception {
        Files.createDirectories(run.resolve("data"));
        String sft = "{\"prompt\":\"p\"}\n";
        Files.writeString(run.resolve("data/sft.jsonl"), sft);
        Run r = cli("export", run.toString(), "--format", "jsonl", "-o", run.resolve("data/sft.jsonl").toString());
        assertThat(r.code()).as(r.err()).isEqualTo(Main.BAD_INPUT);
        assertThat(r.err()).contains("part of the run's own data (data)").doesNotContain("Exception");
        assertThat(Files.readString(run.resolve("data/sft.jsonl"))).isEqualTo(sft);
    }

    @Test
    void aRunOfOneConditionKeepsTheResultsOfTheOthers() throws Exception {
        assertThat(generate("examples/helpful-assistant.md").code()).isZero();
        Run all = evalsRun("bare,prompted,attacked");
        assertThat(all.code()).as(all.err()).isZero();
        List<String> responses = Files.readAllLines(run.resolve("evals/responses.jsonl"));
        List<String> verdicts = Files.readAllLines(run.resolve("evals/verdicts.jsonl"));
        JsonNode before = Json.MAPPER.readTree(run.resolve("summary.json").toFile()).at("/report/evals/overall");

        Run attacked = evalsRun("attacked");
        assertThat(attacked.code()).as(attacked.err()).isZero();
        assertThat(Files.readAllLines(run.resolve("evals/responses.jsonl"))).containsExactlyInAnyOrderElementsOf(responses);
        assertThat(Files.readAllLines(run.resolve("evals/verdicts.jsonl"))).containsExactlyInAnyOrderElementsOf(verdicts);
        JsonNode after = Json.MAPPER.readTree(run.resolve("summary.json").toFile()).at("/report/evals/overall");
        assertThat(after).isEqualTo(before);
        JsonNode record = Json.MAPPER.readTree(run.resolve("evals/run.json").toFile());
        assertThat(record.path("conditions").toString()).isEqualTo("[\"bare\",\"prompted\",\"attacked\"]");
    }

    @Test
    void reportOverAnUnreadableSummaryRebuildsItWhole() throws Exception {
        assertThat(generate("examples/helpful-assistant.md").code()).isZero();
        assertThat(evalsRun("bare,prompted").code()).isZero();
        JsonNode before = Json.MAPPER.readTree(run.resolve("summary.json").toFile()).at("/report/evals");
        Files.writeString(run.resolve("summary.json"), "{not json");
        Run r = cli("report", run.toString());
        assertThat(r.code()).as(r.err()).isZero();
        JsonNode after = Json.MAPPER.readTree(run.resolve("summary.json").toFile()).at("/report/evals");
        assertThat(after.isMissingNode()).isFalse();
        assertThat(after).isEqualTo(before);
    }
}
