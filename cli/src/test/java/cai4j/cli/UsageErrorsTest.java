package cai4j.cli;

import static cai4j.cli.EvalsCommandTest.cli;
import static org.assertj.core.api.Assertions.assertThat;

import cai4j.cli.EvalsCommandTest.Run;
import cai4j.testserver.TestServer;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Usage, input and file errors exit 2 with one sentence and no class name; nothing to evaluate is one of them. */
class UsageErrorsTest {

    @TempDir
    Path dir;

    static void oneSentenceExitTwo(Run r, String expected) {
        assertThat(r.code()).as(r.err()).isEqualTo(Main.BAD_INPUT);
        assertThat(r.err()).contains(expected).doesNotContain("Exception").doesNotContainPattern("\\bat [a-z]+\\.");
    }

    @Test
    void aNegativeTimeoutOrTokenLimitIsAUsageError() throws IOException {
        Path in = Files.writeString(dir.resolve("in.jsonl"), "{\"id\": \"a\", \"messages\": [{\"role\": \"user\", \"content\": \"hi\"}]}\n");
        oneSentenceExitTwo(cli("batch", in.toString(), "--model", "openai:m@http://127.0.0.1:9/v1", "--timeout", "-3", "-o", dir.resolve("o.jsonl").toString()),
                "'-3' must be a number of seconds above 0");
        oneSentenceExitTwo(cli("data", "sft", "examples/helpful-assistant.md", "--run", dir.resolve("r").toString(), "--max-tokens", "-1"),
                "'-1' must be a whole number above 0");
        oneSentenceExitTwo(cli("evals", "run", "--run", dir.resolve("r").toString(), "--max-tokens", "0"),
                "'0' must be a whole number above 0");
        assertThat(dir.resolve("r")).as("refused before the run directory was made").doesNotExist();
    }

    @Test
    void aMalformedUrlInAReplicaListIsAUsageErrorNamingItBeforeAnyCall() throws IOException {
        Path in = Files.writeString(dir.resolve("in.jsonl"), "{\"id\": \"a\", \"messages\": [{\"role\": \"user\", \"content\": \"hi\"}]}\n");
        try (TestServer server = TestServer.start()) {
            oneSentenceExitTwo(cli("batch", in.toString(), "--model", server.openAiSpec("m") + ",localhost:8001/v1", "-o", dir.resolve("o.jsonl").toString(), "--run", dir.resolve("r").toString()),
                    "base URL 'localhost:8001/v1' without http://");
            assertThat(server.calls()).isEmpty();
        }
    }

    @Test
    void anOutputThatIsAFolderIsRefusedBeforeAnyCall() throws IOException {
        Path in = Files.writeString(dir.resolve("in.jsonl"), "{\"id\": \"a\", \"messages\": [{\"role\": \"user\", \"content\": \"hi\"}]}\n");
        Path folder = Files.createDirectories(dir.resolve("answers"));
        try (TestServer server = TestServer.start()) {
            oneSentenceExitTwo(cli("batch", in.toString(), "--model", server.openAiSpec("m"), "-o", folder.toString(), "--run", dir.resolve("r").toString()),
                    "-o " + folder + " is a folder; name the file the answers go to.");
            assertThat(server.calls()).isEmpty();
        }
        assertThat(folder).isEmptyDirectory();
    }

    @Test
    void aFullDiskExitsTwoNamingTheFileWithoutAClassName() {
        StringWriter err = new StringWriter();
        var full = new UncheckedIOException("cannot write runs/a/data/sft.jsonl", new IOException("No space left on device"));
        int code = Main.exitCode(new java.util.concurrent.CompletionException(full), false, new PrintWriter(err, true));
        assertThat(code).isEqualTo(Main.BAD_INPUT);
        assertThat(err.toString().strip()).isEqualTo("error: Cannot write runs/a/data/sft.jsonl: no space left on device.");
    }

    @Test
    void aRunDirectoryThatCannotBeMadeExitsTwo() throws IOException {
        Path file = Files.writeString(dir.resolve("plain-file"), "x");
        try (TestServer server = TestServer.start().answering(EvalsCommandTest::answer)) {
            oneSentenceExitTwo(cli("evals", "generate", "examples/helpful-assistant.md", "--run", file.resolve("run").toString(),
                    "--generator", server.openAiSpec("gen"), "--judge", server.openAiSpec("judge")),
                    "error: Cannot create the run directory " + file.resolve("run") + ": not a directory.");
            assertThat(server.calls()).isEmpty();
        }
    }

    @Test
    void anEmptyScenarioFileIsNothingToEvaluate() throws IOException {
        Path run = dir.resolve("run");
        try (TestServer server = TestServer.start().answering(EvalsCommandTest::answer)) {
            Run generated = cli("evals", "generate", "examples/helpful-assistant.md", "--run", run.toString(), "--per-clause", "1",
                    "--kinds", "direct", "--clauses", "safe", "--sample", "1", "--generator", server.openAiSpec("gen"), "--judge", server.openAiSpec("judge"));
            assertThat(generated.code()).as(generated.err()).isZero();
            int calls = server.calls().size();
            Files.writeString(run.resolve("evals/scenarios.jsonl"), "");
            Run r = cli("evals", "run", "--run", run.toString(), "--target", server.openAiSpec("target"), "--judge", server.openAiSpec("judge"));
            oneSentenceExitTwo(r, "holds no scenarios; there is nothing to evaluate");
            assertThat(server.calls()).hasSize(calls);
        }
    }

    @Test
    void aGateWithNothingGradedFailsAndSaysSoRatherThanReportingZeroPercent() throws IOException {
        Path run = dir.resolve("run");
        // a judge whose every answer is unreadable: each verdict is a grader error, none a pass or a fail
        try (TestServer server = TestServer.start().answering(c -> c.model().equals("mute") ? "I would rather not say." : EvalsCommandTest.answer(c))) {
            Run generated = cli("evals", "generate", "examples/helpful-assistant.md", "--run", run.toString(), "--per-clause", "1",
                    "--kinds", "direct", "--clauses", "safe", "--sample", "1", "--generator", server.openAiSpec("gen"), "--judge", server.openAiSpec("judge"));
            assertThat(generated.code()).as(generated.err()).isZero();
            Run r = cli("evals", "run", "--run", run.toString(), "--target", server.openAiSpec("target"), "--judge", server.openAiSpec("mute"),
                    "--conditions", "prompted", "--fail-under", "0.5");
            assertThat(r.code()).as(r.err()).isEqualTo(Main.CHECK_FAILED);
            assertThat(r.err()).contains("no prompted answer was graded, so --fail-under 50.0% cannot be met").doesNotContain("is below");
        }
    }

    @Test
    void calibratingOnAnEmptyFileIsNothingToCalibrate() throws IOException {
        Path empty = Files.writeString(dir.resolve("empty.jsonl"), "\n");
        try (TestServer server = TestServer.start()) {
            Run r = cli("judge", "calibrate", "--judge", server.openAiSpec("judge"), "--file", empty.toString(), "--run", dir.resolve("cal").toString());
            oneSentenceExitTwo(r, empty + " holds no comparisons; there is nothing to calibrate the judge on.");
            assertThat(server.calls()).isEmpty();
        }
    }
}
