package cai4j.model.anthropic;

import cai4j.model.BatchJobs;
import cai4j.model.ChatRequest;
import cai4j.model.Completion;
import cai4j.model.ModelException;
import cai4j.model.ProviderErrors;
import com.anthropic.client.AnthropicClient;
import com.anthropic.core.ObjectMappers;
import com.anthropic.core.http.StreamResponse;
import com.anthropic.errors.AnthropicException;
import com.anthropic.errors.AnthropicIoException;
import com.anthropic.errors.AnthropicServiceException;
import com.anthropic.models.messages.batches.BatchCreateParams;
import com.anthropic.models.messages.batches.MessageBatch;
import com.anthropic.models.messages.batches.MessageBatchIndividualResponse;
import com.anthropic.models.messages.batches.MessageBatchRequestCounts;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Anthropic's Message Batches API through anthropic-java: one batch of message requests (custom_id
 * = the ledger key, 64 hex characters, as the API allows), polled with {@code retrieve} until its
 * processing has ended, then its results read back. The requests are the ones an ordinary call
 * sends, the constitution's system prompt still marked for the prompt cache.
 */
final class AnthropicBatches implements BatchJobs {
    private final AnthropicModel model;
    private final AnthropicClient client;
    private final ProviderErrors errors;
    private final String url;

    AnthropicBatches(AnthropicModel model, AnthropicClient client, ProviderErrors errors, String url) {
        this.model = model;
        this.client = client;
        this.errors = errors;
        this.url = url;
    }

    @Override
    public String submit(Map<String, ChatRequest> requests) {
        BatchCreateParams.Builder b = BatchCreateParams.builder();
        for (Map.Entry<String, ChatRequest> e : requests.entrySet()) {
            // the batch request's params are a message request's body, field for field
            BatchCreateParams.Request.Params params = ObjectMappers.jsonMapper()
                    .convertValue(model.params(e.getValue())._body(), BatchCreateParams.Request.Params.class);
            b.addRequest(BatchCreateParams.Request.builder().customId(e.getKey()).params(params).build());
        }
        return sdk(() -> client.messages().batches().create(b.build()).id());
    }

    @Override
    public BatchState poll(String batchId, Map<String, ChatRequest> requests) {
        return sdk(() -> {
            MessageBatch batch = client.messages().batches().retrieve(batchId);
            MessageBatchRequestCounts c = batch.requestCounts();
            long failed = c.errored() + c.expired() + c.canceled();
            long total = c.processing() + c.succeeded() + failed;
            String status = batch.processingStatus().toString();
            if (!batch.processingStatus().equals(MessageBatch.ProcessingStatus.ENDED)) {
                return BatchState.running(batchId, status, c.succeeded(), failed, total);
            }
            // an ended batch keeps every answer it finished; errored, expired and canceled lines are retried one by one
            Map<String, Completion> answers = new HashMap<>();
            Map<String, String> lineErrors = new HashMap<>();
            try (StreamResponse<MessageBatchIndividualResponse> results = client.messages().batches().resultsStreaming(batchId)) {
                results.stream().forEach(r -> {
                    if (!requests.containsKey(r.customId())) return;
                    var ok = r.result().succeeded();
                    if (ok.isPresent()) answers.put(r.customId(), AnthropicModel.completion(ok.get().message()));
                    else lineErrors.put(r.customId(), errors.scrub(r.result().errored()
                            .map(e -> ObjectMappers.jsonMapper().valueToTree(e.error()).path("error").path("message").asText("the line failed"))
                            .orElse("the line did not finish (expired or canceled)")));
                });
            }
            return new BatchState(batchId, status, true, c.succeeded(), failed, total, answers, lineErrors, "");
        });
    }

    /** The SDK's errors as the road's, like an ordinary call's. */
    private <T> T sdk(Supplier<T> call) {
        try {
            return call.get();
        } catch (AnthropicServiceException e) {
            throw errors.http(e.statusCode(), "", e.errorType().map(Object::toString).orElse(""), e.apiMessage().orElse(""), java.util.Optional.empty(), e);
        } catch (AnthropicIoException e) {
            errors.unreachable(url, e).ifPresent(u -> { throw u; });
            throw errors.noAnswer("broke the connection before answering completely", e);
        } catch (AnthropicException e) {
            throw errors.noAnswer("failed without an answer (" + e.getClass().getSimpleName() + ")", e);
        } catch (ModelException e) {
            throw e;
        }
    }
}
