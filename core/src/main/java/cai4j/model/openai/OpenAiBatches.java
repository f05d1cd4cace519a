package cai4j.model.openai;

import cai4j.model.BatchJobs;
import cai4j.model.ChatRequest;
import cai4j.model.Completion;
import cai4j.model.ModelException;
import cai4j.model.ProviderErrors;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.openai.client.OpenAIClient;
import com.openai.core.ObjectMappers;
import com.openai.core.http.HttpResponse;
import com.openai.errors.OpenAIException;
import com.openai.models.batches.Batch;
import com.openai.models.batches.BatchCreateParams;
import com.openai.models.batches.BatchError;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.files.FileCreateParams;
import com.openai.models.files.FilePurpose;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * OpenAI's Batch API through openai-java: the requests go up as one JSONL file of
 * {@code /v1/chat/completions} bodies (purpose {@code batch}, custom_id = the ledger key), one
 * batch is created over it with a 24-hour window, and once it is over its output and error files
 * are read back. The bodies are the ones an ordinary call sends, so an answer read from the output
 * file is the answer the same call would have had.
 */
final class OpenAiBatches implements BatchJobs {
    private static final JsonMapper SDK_JSON = ObjectMappers.jsonMapper();

    private final OpenAiModel model;
    private final OpenAIClient client;
    private final ProviderErrors errors;

    OpenAiBatches(OpenAiModel model, OpenAIClient client, ProviderErrors errors) {
        this.model = model;
        this.client = client;
        this.errors = errors;
    }

    @Override
    public String submit(Map<String, ChatRequest> requests) {
        StringBuilder jsonl = new StringBuilder();
        for (Map.Entry<String, ChatRequest> e : requests.entrySet()) {
            ObjectNode line = SDK_JSON.createObjectNode();
            line.put("custom_id", e.getKey());
            line.put("method", "POST");
            line.put("url", "/v1/chat/completions");
            line.set("body", SDK_JSON.valueToTree(model.params(e.getValue())._body()));
            jsonl.append(line).append('\n');
        }
        return sdk(() -> {
            String fileId = client.files().create(FileCreateParams.builder()
                    .file(jsonl.toString().getBytes(StandardCharsets.UTF_8))
                    .purpose(FilePurpose.BATCH).build()).id();
            return client.batches().create(BatchCreateParams.builder()
                    .inputFileId(fileId)
                    .endpoint(BatchCreateParams.Endpoint.V1_CHAT_COMPLETIONS)
                    .completionWindow(BatchCreateParams.CompletionWindow._24H)
                    .build()).id();
        });
    }

    @Override
    public BatchState poll(String batchId, Map<String, ChatRequest> requests) {
        return sdk(() -> {
            Batch b = client.batches().retrieve(batchId);
            String status = b.status().toString();
            long done = b.requestCounts().map(c -> c.completed()).orElse(0L);
            long failed = b.requestCounts().map(c -> c.failed()).orElse(0L);
            long total = b.requestCounts().map(c -> c.total()).orElse((long) requests.size());
            Batch.Status s = b.status();
            if (s.equals(Batch.Status.FAILED)) {
                String why = b.errors().flatMap(Batch.Errors::data).orElse(List.of()).stream()
                        .map(OpenAiBatches::describe).collect(Collectors.joining("; "));
                return new BatchState(batchId, status, true, done, failed, total, Map.of(), Map.of(),
                        errors.scrub(why.isEmpty() ? "no reason given" : why));
            }
            // an expired or cancelled batch keeps the answers it finished; the rest count as failed lines
            boolean over = s.equals(Batch.Status.COMPLETED) || s.equals(Batch.Status.EXPIRED) || s.equals(Batch.Status.CANCELLED);
            if (!over) return BatchState.running(batchId, status, done, failed, total);
            Map<String, Completion> answers = new HashMap<>();
            Map<String, String> lineErrors = new HashMap<>();
            b.outputFileId().ifPresent(f -> read(f, requests, answers, lineErrors));
            b.errorFileId().ifPresent(f -> read(f, requests, answers, lineErrors));
            return new BatchState(batchId, status, true, done, failed, total, answers, lineErrors, "");
        });
    }

    /** Reads an output or error file: each line is one request's answer or its error. */
    private void read(String fileId, Map<String, ChatRequest> requests, Map<String, Completion> answers, Map<String, String> lineErrors) {
        try (HttpResponse r = client.files().content(fileId);
             BufferedReader in = new BufferedReader(new InputStreamReader(r.body(), StandardCharsets.UTF_8))) {
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                if (line.isBlank()) continue;
                JsonNode o = SDK_JSON.readTree(line);
                String id = o.path("custom_id").asText();
                ChatRequest request = requests.get(id);
                if (request == null) continue; // a line of the batch this run does not ask for
                JsonNode response = o.path("response");
                int code = response.path("status_code").asInt(0);
                if (code == 200 && (o.path("error").isNull() || o.path("error").isMissingNode())) {
                    try {
                        answers.put(id, model.completion(request, SDK_JSON.treeToValue(response.path("body"), ChatCompletion.class)));
                    } catch (IOException | RuntimeException e) {
                        lineErrors.put(id, "its answer could not be read");
                    }
                } else {
                    JsonNode err = o.path("error").isObject() ? o.path("error") : response.path("body").path("error");
                    String msg = err.path("message").asText(err.path("code").asText("status " + code));
                    lineErrors.put(id, errors.scrub(msg));
                }
            }
        } catch (IOException e) {
            throw errors.noAnswer("sent a batch result file that could not be read", e);
        }
    }

    private static String describe(BatchError e) {
        String where = e.line().map(l -> "line " + l + ": ").orElse("");
        return where + e.message().orElse(e.code().orElse("error"));
    }

    private interface SdkCall<T> {
        T run() throws IOException;
    }

    /** The SDK's errors as the road's, like an ordinary call's. */
    private <T> T sdk(SdkCall<T> call) {
        try {
            return call.run();
        } catch (OpenAIException e) {
            throw model.failure(e);
        } catch (IOException e) {
            throw errors.noAnswer("sent a batch answer that could not be read", e);
        }
    }
}
