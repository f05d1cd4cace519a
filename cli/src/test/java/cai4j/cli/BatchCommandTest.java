package cai4j.cli;

import static org.assertj.core.api.Assertions.assertThat;

import cai4j.Json;
import cai4j.testserver.Call;
import cai4j.testserver.Fault;
import cai4j.testserver.TestServer;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BatchCommandTest {
    static final String KEY = "sk-test-SECRET-c0ffee123456";

    @TempDir Path dir;

    record Result(int code, String out, String err) {}

    static Result cai4j(String... args) {
        StringWriter out = new StringWriter(), err = new StringWriter();
        int code = Main.execute(args, new PrintWriter(out, true), new PrintWriter(err, true));
        return new Result(code, out.toString(), err.toString());
    }

    /** Runs {@code cai4j} with what it prints on System.err (progress, the summary) added to the result's err. */
    static Result cai4jWithStderr(String... args) {
        java.io.ByteArrayOutputStream stderr = new java.io.ByteArrayOutputStream();
        java.io.PrintStream saved = System.err;
        System.setErr(new java.io.PrintStream(stderr, true, StandardCharsets.UTF_8));
        try {
            Result r = cai4j(args);
            return new Result(r.code(), r.out(), r.err() + stderr.toString(StandardCharsets.UTF_8));
        } finally {
            System.setErr(saved);
        }
    }

    Path input(int n) throws Exception {
        Path in = dir.resolve("requests.jsonl");
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < n; i++) {
            b.append("{\"id\":\"q").append(i).append("\",\"messages\":[{\"role\":\"user\",\"content\":\"question ").append(i).append("\"}],\"max_tokens\":64}\n");
        }
        Files.writeString(in, b.toString());
        return in;
    }

    static List<JsonNode> lines(Path p) throws Exception {
        List<JsonNode> out = new ArrayList<>();
        for (String l : Files.readAllLines(p)) out.add(Json.MAPPER.readTree(l));
        return out;
    }

    @Test
    void batchWritesOneLinePerRequestInOrderAndARerunReplaysFromTheLedger() throws Exception {
        Path in = input(120);
        try (TestServer server = TestServer.start().faults(TestServer.randomTransientFaults(0.1, 3))) {
            String[] args = {"batch", in.toString(), "--model", server.openAiSpec("gpt-test"), "-o", dir.resolve("out.jsonl").toString(),
                "--run", dir.resolve("run").toString(), "--concurrency", "8"};
            Result r = cai4j(args);
            assertThat(r.code()).as(r.err()).isZero();
            List<JsonNode> out = lines(dir.resolve("out.jsonl"));
            assertThat(out).hasSize(120);
            for (int i = 0; i < 120; i++) {
                assertThat(out.get(i).path("id").asText()).isEqualTo("q" + i);
                assertThat(out.get(i).path("completion").asText()).isEqualTo("Answer to: question " + i);
                assertThat(out.get(i).path("error").isNull()).isTrue();
                assertThat(out.get(i).path("usage").path("output_tokens").asLong()).isPositive();
            }
            int received = server.received();
            assertThat(server.answered()).isEqualTo(120);

            Result again = cai4j(args);
            assertThat(again.code()).isZero();
            assertThat(server.received()).as("the rerun calls nothing").isEqualTo(received);
            assertThat(Files.readString(dir.resolve("out.jsonl"))).isEqualTo(out.stream().map(Json::write).collect(Collectors.joining("\n", "", "\n")));

            Result stats = cai4j("ledger", "stats", dir.resolve("run").toString());
            assertThat(stats.code()).isZero();
            assertThat(stats.out()).contains("openai:gpt-test@").contains(" 120 ").contains("120"); // answered and replays
            Result json = cai4j("ledger", "stats", dir.resolve("run").toString(), "--json");
            JsonNode s = Json.MAPPER.readTree(json.out()).get(0);
            assertThat(s.path("answered").asLong()).isEqualTo(120);
            assertThat(s.path("replays").asLong()).isEqualTo(120);
            assertThat(s.path("attempts").asLong()).isGreaterThan(120);
        }
    }

    @Test
    void aDryRunCallsNothingAndEstimatesTokensAndCost() throws Exception {
        Path in = input(10);
        try (TestServer server = TestServer.start()) {
            Result r = cai4j("batch", in.toString(), "--model", "openai:gpt-4o-mini", "-o", dir.resolve("o.jsonl").toString(),
                    "--run", dir.resolve("run").toString(), "--dry-run");
            assertThat(r.code()).as(r.err()).isZero();
            assertThat(r.out()).contains("calls to make: 10").contains("output tokens at most: 640").contains("USD");
            assertThat(server.received()).isZero();
            assertThat(dir.resolve("o.jsonl")).doesNotExist();
        }
    }

    @Test
    void badInputIsExitCodeTwoWithTheLineNamed() throws Exception {
        Path in = dir.resolve("bad.jsonl");
        Files.writeString(in, "{\"id\":1,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}\n{\"id\":2,\"messages\":[]}\n");
        Result r = cai4j("batch", in.toString(), "--model", "openai:x@http://127.0.0.1:9/v1", "-o", dir.resolve("o.jsonl").toString(),
                "--run", dir.resolve("run").toString());
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("bad.jsonl line 2").contains("messages");
        Result unknown = cai4j("batch", input(3).toString(), "--model", "nosuch:x", "-o", dir.resolve("o.jsonl").toString(), "--dry-run");
        assertThat(unknown.code()).isEqualTo(2);
        assertThat(unknown.err()).contains("Unknown model provider 'nosuch'").contains("known providers: ");
        Result unknownRun = cai4j("batch", dir.resolve("missing.jsonl").toString(), "--model", "openai:x", "-o", "o.jsonl");
        assertThat(unknownRun.code()).isEqualTo(2);
        assertThat(unknownRun.err()).contains("missing.jsonl does not exist");
    }

    @Test
    void duplicateIdsAreAnInputErrorNamingBothLines() throws Exception {
        Path in = dir.resolve("dup.jsonl");
        Files.writeString(in, "{\"id\":\"a\",\"messages\":[{\"role\":\"user\",\"content\":\"one\"}]}\n"
                + "{\"id\":\"b\",\"messages\":[{\"role\":\"user\",\"content\":\"two\"}]}\n"
                + "{\"id\":\"a\",\"messages\":[{\"role\":\"user\",\"content\":\"three\"}]}\n");
        Result r = cai4j("batch", in.toString(), "--model", "openai:x@http://127.0.0.1:9/v1", "-o", dir.resolve("o.jsonl").toString(), "--dry-run");
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains(in + " lines 1 and 3 have the same id \"a\"").doesNotContain("Exception");
    }

    @Test
    void aLineWithoutAnIdGetsOneNoGivenIdCanCollideWith() throws Exception {
        Path in = dir.resolve("noid.jsonl");
        Files.writeString(in, "{\"id\":\"line-2\",\"messages\":[{\"role\":\"user\",\"content\":\"one\"}]}\n"
                + "{\"messages\":[{\"role\":\"user\",\"content\":\"two\"}]}\n"
                + "{\"id\":\"2\",\"messages\":[{\"role\":\"user\",\"content\":\"three\"}]}\n");
        try (TestServer server = TestServer.start()) {
            Result r = cai4j("batch", in.toString(), "--model", server.openAiSpec("gpt-test"), "-o", dir.resolve("out.jsonl").toString(),
                    "--run", dir.resolve("run").toString());
            assertThat(r.code()).as(r.err()).isZero();
            List<String> ids = lines(dir.resolve("out.jsonl")).stream().map(n -> n.path("id").asText()).toList();
            assertThat(ids).hasSize(3).doesNotHaveDuplicates();
            assertThat(ids.get(0)).isEqualTo("line-2");
            assertThat(ids.get(2)).isEqualTo("2");
        }
    }

    @Test
    void aTornLastLineIsReportedNotDropped() throws Exception {
        Path in = dir.resolve("torn.jsonl");
        Files.writeString(in, "{\"id\":\"a\",\"messages\":[{\"role\":\"user\",\"content\":\"one\"}]}\n"
                + "{\"id\":\"b\",\"messages\":[{\"role\":\"user\",\"con");
        Result r = cai4j("batch", in.toString(), "--model", "openai:x@http://127.0.0.1:9/v1", "-o", dir.resolve("o.jsonl").toString(), "--dry-run");
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains(in + " ends in the middle of line 2 (a torn last line)");
        // a whole last line that only lacks its newline is a request like any other
        Files.writeString(in, "{\"id\":\"a\",\"messages\":[{\"role\":\"user\",\"content\":\"one\"}]}");
        Result whole = cai4j("batch", in.toString(), "--model", "openai:x@http://127.0.0.1:9/v1", "-o", dir.resolve("o.jsonl").toString(), "--dry-run");
        assertThat(whole.code()).as(whole.err()).isZero();
        assertThat(whole.out()).contains("dry run of 1 requests");
    }

    @Test
    void maxCostIsRefusedAtTheStartForAModelWithoutAPriceUnlessDeclaredFree() throws Exception {
        Path in = input(3);
        try (TestServer server = TestServer.start()) {
            String spec = server.openAiSpec("gpt-unpriced");
            Result r = cai4j("batch", in.toString(), "--model", spec, "-o", dir.resolve("out.jsonl").toString(),
                    "--run", dir.resolve("run").toString(), "--max-cost", "0.01");
            assertThat(r.code()).isEqualTo(2);
            assertThat(r.err()).contains("--max-cost cannot be kept").contains("--free-model openai:gpt-unpriced").doesNotContain("Exception");
            assertThat(server.received()).isZero();
            Result free = cai4j("batch", in.toString(), "--model", spec, "-o", dir.resolve("out.jsonl").toString(),
                    "--run", dir.resolve("run").toString(), "--max-cost", "0.01", "--free-model", "openai:gpt-unpriced");
            assertThat(free.code()).as(free.err()).isZero();
            assertThat(server.answered()).isEqualTo(3);
        }
    }

    /** Starts {@code cai4j} in a child JVM with the given API key in its environment. */
    Process child(String key, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), "cai4j.cli.Main"));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(dir.resolve("child-" + System.nanoTime() + ".log").toFile());
        pb.environment().put("OPENAI_API_KEY", key);
        return pb.start();
    }

    static Set<String> answeredInLedger(Path db) throws Exception {
        Set<String> out = new HashSet<>();
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db);
             ResultSet rs = c.createStatement().executeQuery("SELECT request FROM calls WHERE status = 'ok'")) {
            while (rs.next()) out.add(Json.MAPPER.readTree(rs.getString(1)).path("messages").get(0).path("content").asText());
        }
        return out;
    }

    @Test
    void aRunKilledMidwayResumesByRerunAndPaysOnlyForCallsThatWereInFlight() throws Exception {
        int n = 300, concurrency = 8;
        Path in = input(n);
        Path run = dir.resolve("run");
        try (TestServer server = TestServer.start().latency(Duration.ofMillis(40))) {
            String[] args = {"batch", in.toString(), "--model", server.openAiSpec("gpt-test"), "-o", dir.resolve("out.jsonl").toString(),
                "--run", run.toString(), "--concurrency", Integer.toString(concurrency)};
            Process first = child(KEY, args);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (server.answered() < n / 3 && first.isAlive() && System.nanoTime() < deadline) Thread.sleep(5);
            assertThat(first.isAlive()).as("the first run is still going when it is killed").isTrue();
            first.destroyForcibly(); // SIGKILL
            first.waitFor();
            Thread.sleep(300); // answers the server was writing when the client died
            List<Call> firstAnswers = server.answeredCalls();
            Set<String> received = answeredInLedger(run.resolve("ledger.db"));
            assertThat(received).isNotEmpty().hasSizeLessThan(n);

            Process second = child(KEY, args);
            assertThat(second.waitFor(120, TimeUnit.SECONDS)).isTrue();
            assertThat(second.exitValue()).isZero();

            List<Call> all = server.answeredCalls();
            Map<String, Integer> times = new HashMap<>();
            for (Call c : all) times.merge(c.lastUser(), 1, Integer::sum);
            assertThat(times).hasSize(n);
            Set<String> twice = times.entrySet().stream().filter(e -> e.getValue() > 1).map(Map.Entry::getKey).collect(Collectors.toSet());
            assertThat(twice).as("only calls in flight at the kill are paid twice").hasSizeLessThanOrEqualTo(concurrency);
            assertThat(twice).as("no answer the client had committed is paid again").doesNotContainAnyElementsOf(received);
            Set<String> firstRun = firstAnswers.stream().map(Call::lastUser).collect(Collectors.toSet());
            assertThat(firstRun).containsAll(twice);
            for (Call c : all.subList(firstAnswers.size(), all.size())) assertThat(received).doesNotContain(c.lastUser());

            assertThat(lines(dir.resolve("out.jsonl"))).hasSize(n);
            for (Path p : Files.list(dir).toList()) {
                if (Files.isRegularFile(p)) assertThat(Files.readString(p, StandardCharsets.ISO_8859_1)).as(p.toString()).doesNotContain(KEY);
            }
            assertThat(new String(Files.readAllBytes(run.resolve("ledger.db")), StandardCharsets.ISO_8859_1)).doesNotContain(KEY);
        }
    }

    @Test
    void aRejectedKeyStopsTheBatchWithExitCodeThreeAndNeverShowsTheKey() throws Exception {
        Path in = input(500);
        try (TestServer server = TestServer.start().requireKey("the-right-one")) {
            Process p = child(KEY, "batch", in.toString(), "--model", server.openAiSpec("gpt-test"), "-o", dir.resolve("out.jsonl").toString(),
                    "--run", dir.resolve("run").toString(), "--debug");
            assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
            assertThat(p.exitValue()).isEqualTo(3);
            String log = Files.list(dir).filter(f -> f.getFileName().toString().startsWith("child-")).map(f -> {
                try {
                    return Files.readString(f);
                } catch (java.io.IOException e) {
                    throw new RuntimeException(e);
                }
            }).collect(Collectors.joining());
            assertThat(log).contains("error: The OpenAI-compatible server at " + server.openAiBaseUrl() + " rejected the API key in OPENAI_API_KEY (401); check the key.");
            assertThat(log).doesNotContain(KEY).doesNotContain("SECRET");
            assertThat(server.received()).isLessThanOrEqualTo(16);
            for (Path f : Files.list(dir).toList()) {
                if (Files.isRegularFile(f)) assertThat(Files.readString(f, StandardCharsets.ISO_8859_1)).doesNotContain(KEY);
            }
            assertThat(new String(Files.readAllBytes(dir.resolve("run/ledger.db")), StandardCharsets.ISO_8859_1)).doesNotContain(KEY);
        }
    }

    @Test
    void aBaseUrlWithoutSchemeIsExitCodeTwoBeforeAnyCall() throws Exception {
        try (TestServer server = TestServer.start()) {
            String noScheme = "openai:gen@127.0.0.1:" + server.port() + "/v1";
            Result r = cai4j("batch", input(3).toString(), "--model", noScheme, "-o", dir.resolve("o.jsonl").toString(),
                    "--run", dir.resolve("run").toString());
            assertThat(r.code()).isEqualTo(2);
            assertThat(r.err()).contains("without http:// or https://").doesNotContain("Exception");
            Result emptyUrl = cai4j("batch", input(3).toString(), "--model", "openai:x@http://", "-o", dir.resolve("o.jsonl").toString(),
                    "--run", dir.resolve("run2").toString());
            assertThat(emptyUrl.code()).isEqualTo(2);
            assertThat(emptyUrl.err()).contains("without a host").doesNotContain("Exception");
            Result noV1 = cai4j("batch", input(3).toString(), "--model", "openai:x@http://127.0.0.1:" + server.port(), "-o", dir.resolve("o.jsonl").toString(),
                    "--run", dir.resolve("run3").toString());
            assertThat(noV1.code()).isEqualTo(2);
            assertThat(noV1.err()).contains("http://127.0.0.1:" + server.port() + "/v1");
            assertThat(server.received()).isZero();
            assertThat(dir.resolve("o.jsonl")).doesNotExist();
        }
    }

    @Test
    void aKeyEchoedByTheServerIsRedactedEvenInDebugStackTraces() throws Exception {
        String key = "Zq9TOPSECRET77xy";
        try (TestServer server = TestServer.start().faults(c -> Fault.echoingKey())) {
            Process p = child(key, "batch", input(5).toString(), "--model", server.openAiSpec("gpt-test"), "-o", dir.resolve("out.jsonl").toString(),
                    "--run", dir.resolve("run").toString(), "--debug");
            assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
            assertThat(p.exitValue()).isEqualTo(3);
            String log = childLogs();
            assertThat(server.received()).isPositive();
            assertThat(log).contains("Caused by").contains("rejected the API key").doesNotContain(key);
        }
    }

    @Test
    void aRefusedConnectionFailsWithinTwoSecondsNamingTheUrl() throws Exception {
        String url = TestServer.refusedBaseUrl();
        try (TestServer warm = TestServer.start()) {
            // the first command in this JVM loads the HTTP client, SQLite and JSON classes; that is not the point
            assertThat(cai4j("batch", input(1).toString(), "--model", warm.openAiSpec("gpt-warm"), "-o", dir.resolve("warm.jsonl").toString(),
                    "--run", dir.resolve("warm").toString()).code()).isZero();
        }
        long t0 = System.nanoTime();
        Result r = cai4j("batch", input(20).toString(), "--model", "openai:gpt-test@" + url, "-o", dir.resolve("o.jsonl").toString(),
                "--run", dir.resolve("run").toString());
        double seconds = (System.nanoTime() - t0) / 1e9;
        assertThat(r.code()).isEqualTo(3);
        assertThat(r.err()).contains("Cannot reach " + url).contains("refused");
        assertThat(seconds).isLessThan(2.0);
    }

    String childLogs() throws java.io.IOException {
        return Files.list(dir).filter(f -> f.getFileName().toString().startsWith("child-")).map(f -> {
            try {
                return Files.readString(f);
            } catch (java.io.IOException e) {
                throw new RuntimeException(e);
            }
        }).collect(Collectors.joining());
    }

    static long pendingInLedger(Path db) throws Exception {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db);
             ResultSet rs = c.createStatement().executeQuery("SELECT count(*) FROM calls WHERE status = 'pending' AND batch_id LIKE 'batch_%'")) {
            return rs.next() ? rs.getLong(1) : 0;
        } catch (java.sql.SQLException e) {
            return 0; // not created yet
        }
    }

    @Test
    void withBatchTheRequestsGoAsOneProviderBatchAndTheAnswersAreWrittenInOrder() throws Exception {
        int n = 30;
        Path in = input(n);
        try (TestServer server = TestServer.start()) {
            Result r = cai4jWithStderr("batch", in.toString(), "--model", server.openAiSpec("gpt-test"), "-o", dir.resolve("out.jsonl").toString(),
                    "--run", dir.resolve("run").toString(), "--batch", "--batch-poll", "0.05");
            assertThat(r.code()).as(r.err()).isZero();
            assertThat(server.batches().created()).isEqualTo(1);
            assertThat(server.received()).as("no ordinary chat call").isZero();
            List<JsonNode> out = lines(dir.resolve("out.jsonl"));
            assertThat(out).hasSize(n);
            for (int i = 0; i < n; i++) {
                assertThat(out.get(i).path("id").asText()).isEqualTo("q" + i);
                assertThat(out.get(i).path("completion").asText()).isEqualTo("Answer to: question " + i);
            }
            assertThat(r.err()).contains("submitted 30 requests").containsPattern("batch batch_\\d+: completed, 30/30 done, 0 failed");
        }
    }

    @Test
    void aKillWhileTheBatchIsPendingLeavesItInTheLedgerAndARerunAttachesWithoutSubmittingAgain() throws Exception {
        int n = 40;
        Path in = input(n);
        Path run = dir.resolve("run");
        try (TestServer server = TestServer.start().requireKey(KEY)) {
            server.batches().hold();
            String[] args = {"batch", in.toString(), "--model", server.openAiSpec("gpt-test"), "-o", dir.resolve("out.jsonl").toString(),
                "--run", run.toString(), "--batch", "--batch-poll", "0.05"};
            Process first = child(KEY, args);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while ((server.batches().polls() < 3 || pendingInLedger(run.resolve("ledger.db")) < n) && first.isAlive() && System.nanoTime() < deadline) Thread.sleep(20);
            assertThat(first.isAlive()).as("the first run waits for the batch when it is killed").isTrue();
            first.destroyForcibly(); // SIGKILL
            first.waitFor();
            assertThat(pendingInLedger(run.resolve("ledger.db"))).isEqualTo(n);
            assertThat(server.batches().created()).isEqualTo(1);

            server.batches().release();
            Process second = child(KEY, args);
            assertThat(second.waitFor(120, TimeUnit.SECONDS)).isTrue();
            assertThat(second.exitValue()).isZero();
            assertThat(server.batches().created()).as("the rerun never submits the batch again").isEqualTo(1);
            assertThat(server.received()).as("no ordinary chat call").isZero();
            assertThat(pendingInLedger(run.resolve("ledger.db"))).isZero();
            List<JsonNode> out = lines(dir.resolve("out.jsonl"));
            assertThat(out).hasSize(n);
            for (int i = 0; i < n; i++) assertThat(out.get(i).path("completion").asText()).isEqualTo("Answer to: question " + i);
            String logs = "";
            for (Path p : Files.list(dir).toList()) {
                if (Files.isRegularFile(p)) {
                    String text = Files.readString(p, StandardCharsets.ISO_8859_1);
                    assertThat(text).as(p.toString()).doesNotContain(KEY);
                    if (p.getFileName().toString().startsWith("child-")) logs += text;
                }
            }
            assertThat(logs).contains("attached to the batch pending in the ledger");
            assertThat(new String(Files.readAllBytes(run.resolve("ledger.db")), StandardCharsets.ISO_8859_1)).doesNotContain(KEY);
        }
    }

    @Test
    void aFailedBatchStopsWithOneSentenceNamingTheBatchAndExitCodeThree() throws Exception {
        Path in = input(5);
        try (TestServer server = TestServer.start()) {
            server.batches().failBatches("the input file has an unknown model");
            Result r = cai4jWithStderr("batch", in.toString(), "--model", server.openAiSpec("gpt-test"), "-o", dir.resolve("out.jsonl").toString(),
                    "--run", dir.resolve("run").toString(), "--batch", "--batch-poll", "0.05");
            assertThat(r.code()).isEqualTo(3);
            assertThat(r.err()).containsPattern("error: 5 of the requests failed after retries \\(first: The batch batch_\\d+ of openai:gpt-test@\\S+ failed \\(line 1: the input file has an unknown model\\); rerun to submit its calls in a new batch\\.\\)")
                    .doesNotContain("Exception");
        }
    }

    @Test
    void aDryRunWithBatchShowsTheBatchPrice() throws Exception {
        Path in = input(10);
        String[] common = {"batch", in.toString(), "--model", "openai:gpt-4o-mini", "-o", dir.resolve("out.jsonl").toString(),
            "--run", dir.resolve("run").toString(), "--dry-run"};
        Result full = cai4j(common);
        List<String> withBatch = new ArrayList<>(List.of(common));
        withBatch.add("--batch");
        Result half = cai4j(withBatch.toArray(String[]::new));
        assertThat(half.code()).as(half.err()).isZero();
        java.util.regex.Pattern cost = java.util.regex.Pattern.compile("estimated cost at most: ([0-9.]+) USD");
        java.util.regex.Matcher f = cost.matcher(full.out()), h = cost.matcher(half.out());
        assertThat(f.find()).isTrue();
        assertThat(h.find()).isTrue();
        assertThat(Double.parseDouble(h.group(1))).isPositive().isCloseTo(Double.parseDouble(f.group(1)) / 2, org.assertj.core.data.Offset.offset(0.0001));
        assertThat(half.out()).contains("at the batch price (50% of the price)");
    }
}
