package cai4j.testserver;

import cai4j.Json;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * OpenAI's batch endpoints on the test server, with the batch's course under the test's control:
 * {@code POST /v1/batches} and {@code GET /v1/batches/{id}}. Input, output and error files are the
 * server's files ({@link FineTuningEndpoints}: {@code POST /v1/files}, {@code GET /v1/files/{id}/content}).
 * Anthropic's Message Batches take the same course: {@code POST /v1/messages/batches},
 * {@code GET /v1/messages/batches/{id}} ({@code in_progress}, then {@code ended}) and
 * {@code GET /v1/messages/batches/{id}/results}.
 *
 * <p>A batch is {@code validating} when created, {@code in_progress} at the next status check, and
 * over at the one after: {@code completed}, or {@code failed} ({@link #failBatches}), or
 * {@code expired} after a number of lines ({@link #expireAfter}). {@link #hold()} keeps every batch
 * in progress until {@link #release()}. Each line is answered like an ordinary chat call of the
 * server (its answers and its usage); lines chosen by {@link #failLines} go to the error file.
 */
public final class Batches {
    private final Function<Call, String> chat;
    private final Function<Call, String> messages;
    private final FineTuningEndpoints files;
    /** Anthropic batches: the batch, its requests, and its results once ended. */
    private final Map<String, ObjectNode> messageBatches = new ConcurrentHashMap<>();
    private final Map<String, JsonNode> messageRequests = new ConcurrentHashMap<>();
    private final Map<String, String> messageResults = new ConcurrentHashMap<>();
    private final AtomicLong ids = new AtomicLong();
    private final Map<String, ObjectNode> batches = new ConcurrentHashMap<>();
    private final AtomicInteger created = new AtomicInteger();
    private final AtomicInteger polls = new AtomicInteger();
    private volatile boolean held;
    private volatile String failure = "";
    private volatile int expireAfter = -1;
    private volatile Predicate<Call> failLine = c -> false;

    /**
     * @param chat     the server's answer body to a chat-completions call
     * @param messages the server's answer body to an Anthropic messages call
     * @param files    the server's files
     */
    Batches(Function<Call, String> chat, Function<Call, String> messages, FineTuningEndpoints files) {
        this.chat = chat;
        this.messages = messages;
        this.files = files;
    }

    /** Keeps every batch in progress until {@link #release()}. */
    public Batches hold() { held = true; return this; }

    /** Lets held batches finish at their next status check. */
    public Batches release() { held = false; return this; }

    /** Batches fail as a whole, with this reason, at their next status check. */
    public Batches failBatches(String reason) { failure = reason; return this; }

    /** Batches expire after answering this many lines; the rest are never answered. */
    public Batches expireAfter(int lines) { expireAfter = lines; return this; }

    /** These lines fail in the batch (status 500 in the error file). */
    public Batches failLines(Predicate<Call> which) { failLine = which; return this; }

    /** Batches created so far. */
    public int created() { return created.get(); }

    /** Status checks answered so far. */
    public int polls() { return polls.get(); }

    /** The lines of the input file of every batch created, as chat bodies. */
    public List<JsonNode> submittedLines() {
        List<JsonNode> out = new ArrayList<>();
        for (ObjectNode b : batches.values()) {
            for (String line : text(b.path("input_file_id").asText()).split("\n")) {
                if (!line.isBlank()) out.add(tree(line));
            }
        }
        return out;
    }

    boolean serves(String path) {
        return path.startsWith("/v1/batches") || path.startsWith("/v1/messages/batches");
    }

    void handle(String method, String path, byte[] body, OutputStream out) throws IOException {
        if (path.startsWith("/v1/messages/batches")) {
            handleMessages(method, path, body, out);
        } else if (method.equals("POST") && path.equals("/v1/batches")) {
            create(tree(new String(body, StandardCharsets.UTF_8)), out);
        } else if (method.equals("GET") && path.startsWith("/v1/batches/")) {
            retrieve(path.substring("/v1/batches/".length()), out);
        } else {
            TestServer.send(out, 404, Map.of(), "{\"error\":{\"message\":\"no route " + method + " " + path + "\"}}");
        }
    }

    private void create(JsonNode body, OutputStream out) throws IOException {
        String input = body.path("input_file_id").asText();
        if (files.file(input).isEmpty() || !body.path("completion_window").asText().equals("24h")) {
            TestServer.send(out, 400, Map.of(), "{\"error\":{\"message\":\"unknown input file or window\",\"type\":\"invalid_request_error\"}}");
            return;
        }
        String id = "batch_" + ids.incrementAndGet();
        ObjectNode b = Json.MAPPER.createObjectNode();
        b.put("id", id).put("object", "batch").put("endpoint", body.path("endpoint").asText()).putNull("errors")
                .put("input_file_id", input).put("completion_window", "24h").put("status", "validating")
                .putNull("output_file_id").putNull("error_file_id").put("created_at", System.currentTimeMillis() / 1000);
        long lines = text(input).lines().filter(l -> !l.isBlank()).count();
        b.putObject("request_counts").put("total", lines).put("completed", 0).put("failed", 0);
        batches.put(id, b);
        created.incrementAndGet();
        TestServer.send(out, 200, Map.of(), Json.write(b));
    }

    private void retrieve(String id, OutputStream out) throws IOException {
        ObjectNode b = batches.get(id);
        if (b == null) {
            TestServer.send(out, 404, Map.of(), "{\"error\":{\"message\":\"No such Batch object: " + id + "\",\"type\":\"invalid_request_error\"}}");
            return;
        }
        polls.incrementAndGet();
        String json;
        synchronized (b) {
            switch (b.path("status").asText()) {
                case "validating" -> b.put("status", "in_progress");
                case "in_progress" -> { if (!held) finish(b); }
                default -> { }
            }
            json = Json.write(b);
        }
        TestServer.send(out, 200, Map.of(), json);
    }

    private void finish(ObjectNode b) {
        if (!failure.isEmpty()) {
            b.put("status", "failed");
            ObjectNode errors = b.putObject("errors");
            errors.put("object", "list");
            errors.putArray("data").addObject().put("code", "invalid_request").put("message", failure).put("line", 1).putNull("param");
            return;
        }
        StringBuilder output = new StringBuilder(), errorLines = new StringBuilder();
        int n = 0, done = 0, failed = 0;
        for (String line : text(b.path("input_file_id").asText()).split("\n")) {
            if (line.isBlank()) continue;
            if (expireAfter >= 0 && n >= expireAfter) break;
            n++;
            JsonNode request = tree(line);
            Call call = new Call(n, Call.Protocol.OPENAI, Map.of(), request.path("body"), System.nanoTime());
            ObjectNode o = Json.MAPPER.createObjectNode();
            o.put("id", "batch_req_" + ids.incrementAndGet()).put("custom_id", request.path("custom_id").asText());
            ObjectNode response = o.putObject("response");
            if (failLine.test(call)) {
                response.put("status_code", 500).put("request_id", "req_" + n);
                response.putObject("body").putObject("error").put("message", "The server had an error while processing your request.").put("type", "server_error");
                o.putNull("error");
                errorLines.append(Json.write(o)).append('\n');
                failed++;
            } else {
                response.put("status_code", 200).put("request_id", "req_" + n);
                response.set("body", tree(chat.apply(call)));
                o.putNull("error");
                output.append(Json.write(o)).append('\n');
                done++;
            }
        }
        b.put("status", expireAfter >= 0 ? "expired" : "completed");
        b.withObject("request_counts").put("completed", done).put("failed", failed);
        String outId = files.add(b.path("id").asText() + "_output.jsonl", "batch_output", output.toString().getBytes(StandardCharsets.UTF_8));
        b.put("output_file_id", outId);
        if (failed > 0) {
            String errId = files.add(b.path("id").asText() + "_error.jsonl", "batch_output", errorLines.toString().getBytes(StandardCharsets.UTF_8));
            b.put("error_file_id", errId);
        }
    }

    private void handleMessages(String method, String path, byte[] body, OutputStream out) throws IOException {
        String rest = path.substring("/v1/messages/batches".length());
        if (method.equals("POST") && rest.isEmpty()) {
            JsonNode requests = tree(new String(body, StandardCharsets.UTF_8)).path("requests");
            String id = "msgbatch_" + ids.incrementAndGet();
            ObjectNode b = Json.MAPPER.createObjectNode();
            b.put("id", id).put("type", "message_batch").put("processing_status", "in_progress")
                    .put("created_at", java.time.Instant.now().toString()).put("expires_at", java.time.Instant.now().plusSeconds(86400).toString())
                    .putNull("ended_at").putNull("archived_at").putNull("cancel_initiated_at").putNull("results_url");
            b.putObject("request_counts").put("processing", requests.size()).put("succeeded", 0).put("errored", 0).put("canceled", 0).put("expired", 0);
            b.put("_checks", 0);
            messageRequests.put(id, requests);
            messageBatches.put(id, b);
            created.incrementAndGet();
            TestServer.send(out, 200, Map.of(), Json.write(withoutChecks(b)));
            return;
        }
        String id = rest.substring(1).replace("/results", "");
        ObjectNode b = messageBatches.get(id);
        if (b == null) {
            TestServer.send(out, 404, Map.of(), "{\"type\":\"error\",\"error\":{\"type\":\"not_found_error\",\"message\":\"no batch " + id + "\"}}");
        } else if (rest.endsWith("/results")) {
            TestServer.send(out, 200, Map.of(), messageResults.getOrDefault(id, ""));
        } else {
            polls.incrementAndGet();
            String json;
            synchronized (b) {
                int checks = b.path("_checks").asInt() + 1;
                b.put("_checks", checks);
                if (checks >= 2 && !held && b.path("processing_status").asText().equals("in_progress")) endMessages(id, b);
                json = Json.write(withoutChecks(b));
            }
            TestServer.send(out, 200, Map.of(), json);
        }
    }

    private static ObjectNode withoutChecks(ObjectNode b) {
        ObjectNode copy = b.deepCopy();
        copy.remove("_checks");
        return copy;
    }

    private void endMessages(String id, ObjectNode b) {
        StringBuilder results = new StringBuilder();
        int n = 0, succeeded = 0, errored = 0;
        for (JsonNode r : messageRequests.get(id)) {
            n++;
            Call call = new Call(n, Call.Protocol.ANTHROPIC, Map.of(), r.path("params"), System.nanoTime());
            ObjectNode line = Json.MAPPER.createObjectNode();
            line.put("custom_id", r.path("custom_id").asText());
            ObjectNode result = line.putObject("result");
            if (failLine.test(call)) {
                result.put("type", "errored");
                result.putObject("error").put("type", "error").putObject("error").put("type", "api_error").put("message", "Internal server error");
                errored++;
            } else {
                result.put("type", "succeeded");
                result.set("message", tree(messages.apply(call)));
                succeeded++;
            }
            results.append(Json.write(line)).append('\n');
        }
        messageResults.put(id, results.toString());
        b.put("processing_status", "ended").put("ended_at", java.time.Instant.now().toString())
                .put("results_url", "/v1/messages/batches/" + id + "/results");
        b.withObject("request_counts").put("processing", 0).put("succeeded", succeeded).put("errored", errored);
    }

    private static JsonNode tree(String json) {
        try {
            return Json.MAPPER.readTree(json);
        } catch (IOException e) {
            throw new IllegalArgumentException("not JSON: " + json, e);
        }
    }

    private String text(String fileId) {
        return files.file(fileId).map(FineTuningEndpoints.UploadedFile::text).orElse("");
    }
}
