package cai4j.train;

import cai4j.InputError;
import cai4j.model.ModelException;
import cai4j.model.ModelSpec;
import cai4j.model.ProviderErrors;
import cai4j.model.openai.OpenAiProvider;
import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.MultipartField;
import com.openai.errors.OpenAIException;
import com.openai.errors.OpenAIIoException;
import com.openai.errors.OpenAIServiceException;
import com.openai.models.files.FileCreateParams;
import com.openai.models.files.FileListParams;
import com.openai.models.files.FilePurpose;
import com.openai.models.finetuning.jobs.FineTuningJob;
import com.openai.models.finetuning.jobs.JobCreateParams;
import com.openai.models.finetuning.jobs.JobListEventsParams;
import com.openai.models.finetuning.jobs.JobListParams;
import com.openai.models.finetuning.methods.DpoHyperparameters;
import com.openai.models.finetuning.methods.DpoMethod;
import com.openai.models.finetuning.methods.SupervisedHyperparameters;
import com.openai.models.finetuning.methods.SupervisedMethod;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The OpenAI fine-tuning API through openai-java: files (purpose {@code fine-tune}) and jobs
 * (create, retrieve, events, cancel), on OpenAI or any server that speaks the same protocol.
 *
 * <p>The SDK's retries are off: a retried upload or job creation whose first answer was lost would
 * upload or submit twice, which is what the training record exists to prevent. Reads (a job's
 * status, its events) are retried here instead, since repeating them costs nothing.
 */
public final class FineTuningClient implements AutoCloseable {
    /** Transient failures in a row a read survives before the command stops. */
    private static final int READ_ATTEMPTS = 5;

    private final OpenAIClient client;
    private final ProviderErrors errors;
    private final String url;
    private final Duration retryWait;

    /** A job's status as the provider reports it. */
    public record Status(String id, String status, Optional<String> model, Optional<String> error) {}

    /** One line of a job's log. */
    public record Event(String id, long createdAt, String level, String message) {}

    private FineTuningClient(OpenAIClient client, ProviderErrors errors, String url, Duration retryWait) {
        this.client = client;
        this.errors = errors;
        this.url = url;
        this.retryWait = retryWait;
    }

    /**
     * A client for the endpoint of an {@code openai:} spec. The key comes from {@code OPENAI_API_KEY};
     * a server at an explicit base URL may go without one, as for chat models.
     */
    public static FineTuningClient open(ModelSpec provider, Map<String, String> env, Duration retryWait) {
        if (!provider.provider().equals("openai")) {
            throw new InputError("--provider " + provider + " cannot fine-tune: only openai: specs (OpenAI or an OpenAI-compatible server) have a fine-tuning API.");
        }
        String key = OpenAiProvider.apiKey(provider, env, "Fine-tuning on " + provider);
        String base = provider.baseUrl().isEmpty() ? "https://api.openai.com/v1" : provider.baseUrl();
        OpenAIClient client = OpenAIOkHttpClient.builder().apiKey(key).baseUrl(base).maxRetries(0)
                .timeout(Duration.ofMinutes(10)).build();
        String who = provider.baseUrl().isEmpty() ? "OpenAI" : "The OpenAI-compatible server at " + provider.baseUrl();
        return new FineTuningClient(client, new ProviderErrors(who, OpenAiProvider.KEY_VAR, provider.model(), key), base, retryWait);
    }

    /** Uploads a training file under a name; returns its file id. */
    public String upload(Path file, String name) {
        return call("Uploading " + file.getFileName(), () -> {
            try (InputStream in = Files.newInputStream(file)) {
                FileCreateParams params = FileCreateParams.builder()
                        .file(MultipartField.<InputStream>builder().value(in).filename(name).build())
                        .purpose(FilePurpose.FINE_TUNE)
                        .build();
                return client.files().create(params).id();
            } catch (IOException e) {
                throw cai4j.FileProblem.reading("training file", file, e);
            }
        });
    }

    /**
     * The id of a fine-tune file already on the provider under this name and size: an upload whose
     * answer a killed command never recorded. Names carry the file's SHA-256, so a match is the same data.
     */
    public Optional<String> findFile(String name, long bytes) {
        return read("Listing the uploaded files", () -> {
            for (var f : client.files().list(FileListParams.builder().purpose("fine-tune").build()).data()) {
                if (f.filename().equals(name) && f.bytes() == bytes) return Optional.of(f.id());
            }
            return Optional.<String>empty();
        });
    }

    /**
     * The most recent job submitted with this key in its metadata: a submission whose answer a
     * killed command never recorded. OpenAI filters jobs by metadata on the server.
     */
    public Optional<Status> findJob(String key) {
        return read("Listing the fine-tuning jobs", () -> {
            var params = JobListParams.builder().metadata(JobListParams.Metadata.builder().putAdditionalProperty(KEY, key).build()).build();
            for (FineTuningJob j : client.fineTuning().jobs().list(params).data()) {
                if (j.metadata().isEmpty()) continue;
                com.openai.core.JsonValue tag = j.metadata().get()._additionalProperties().get(KEY);
                Optional<String> text = tag == null ? Optional.empty() : tag.asString();
                if (text.isPresent() && text.get().equals(key)) return Optional.of(status(j));
            }
            return Optional.<Status>empty();
        });
    }

    /** The metadata field that names what a job trains (method, file, starting model, suffix, epochs). */
    static final String KEY = "cai4j_key";

    /** Submits one job, tagged with {@code key}; returns its status as created. */
    public Status create(Method method, String fileId, String startModel, String suffix, Optional<Integer> epochs, String key) {
        JobCreateParams.Method.Builder m = JobCreateParams.Method.builder();
        switch (method) {
            case SFT -> {
                SupervisedHyperparameters.Builder h = SupervisedHyperparameters.builder();
                epochs.ifPresent(n -> h.nEpochs(n.longValue()));
                m.type(JobCreateParams.Method.Type.SUPERVISED).supervised(SupervisedMethod.builder().hyperparameters(h.build()).build());
            }
            case DPO -> {
                DpoHyperparameters.Builder h = DpoHyperparameters.builder();
                epochs.ifPresent(n -> h.nEpochs(n.longValue()));
                m.type(JobCreateParams.Method.Type.DPO).dpo(DpoMethod.builder().hyperparameters(h.build()).build());
            }
        }
        JobCreateParams.Builder b = JobCreateParams.builder().model(startModel).trainingFile(fileId).method(m.build())
                .metadata(JobCreateParams.Metadata.builder().putProperty(KEY, key).build());
        if (!suffix.isEmpty()) b.suffix(suffix);
        return call("Submitting the " + method.id() + " job", () -> status(client.fineTuning().jobs().create(b.build())));
    }

    /** A job's status now. */
    public Status retrieve(String jobId) {
        return read("Fine-tuning job " + jobId, () -> status(client.fineTuning().jobs().retrieve(jobId)));
    }

    /** A job's most recent events, oldest first. */
    public List<Event> events(String jobId) {
        return read("Fine-tuning job " + jobId, () -> {
            List<Event> out = new ArrayList<>();
            for (var e : client.fineTuning().jobs().listEvents(jobId, JobListEventsParams.builder().limit(100).build()).data()) {
                out.add(new Event(e.id(), e.createdAt(), e.level().asString(), e.message()));
            }
            return out.reversed(); // the API lists the newest first
        });
    }

    /** Asks the provider to cancel a job; returns its status after. */
    public Status cancel(String jobId) {
        return call("Fine-tuning job " + jobId, () -> status(client.fineTuning().jobs().cancel(jobId)));
    }

    private static Status status(FineTuningJob job) {
        Optional<String> error = job.error().map(e -> (e.code().isBlank() ? "" : e.code() + ": ") + e.message());
        return new Status(job.id(), job.status().asString(), job.fineTunedModel().filter(s -> !s.isBlank()), error);
    }

    /** A read: transient failures are waited out a few times before they stop the command. */
    private <T> T read(String what, Supplier<T> op) {
        for (int attempt = 1; ; attempt++) {
            try {
                return call(what, op);
            } catch (ModelException e) {
                if (Thread.currentThread().isInterrupted()) throw interrupted(e);
                if (!e.isTransient() || attempt >= READ_ATTEMPTS) throw e;
                sleep(e.retryAfter().orElse(retryWait.multipliedBy(attempt)));
            }
        }
    }

    /** One call, its failure turned into one sentence that says what was being done. */
    private <T> T call(String what, Supplier<T> op) {
        try {
            return op.get();
        } catch (OpenAIServiceException e) {
            String detail = OpenAiProvider.serverMessage(e);
            String why = detail.isEmpty() ? "" : ": " + errors.scrub(detail);
            ModelException m;
            if (e.statusCode() == 404 && what.startsWith("Fine-tuning job")) {
                m = new ModelException(ModelException.Kind.FINAL, 404, errors.who() + " does not know it (404" + why + ").", null, e);
            } else if (e.statusCode() == 400 && what.startsWith("Uploading")) {
                m = new ModelException(ModelException.Kind.FINAL, 400, errors.who() + " rejected the file as invalid (400" + why + ").", null, e);
            } else {
                m = errors.http(e.statusCode(), e.code().orElse(""), e.type().orElse(""), detail, Optional.empty(), e);
            }
            throw within(what, m);
        } catch (OpenAIIoException e) {
            errors.unreachable(url, e).ifPresent(u -> { throw within(what, u); });
            throw within(what, errors.noAnswer("broke the connection or did not answer in time", e));
        } catch (OpenAIException e) {
            throw within(what, errors.noAnswer("sent an answer that could not be read (" + e.getClass().getSimpleName() + ")", e));
        }
    }

    /** "Fine-tuning job ftjob-1: The server at … rejected the API key …", still one sentence. */
    private static ModelException within(String what, ModelException e) {
        return new ModelException(e.kind(), e.status(), what + ": " + e.getMessage(), e.retryAfter().orElse(null), e.getCause());
    }

    private static void sleep(Duration d) {
        try {
            Thread.sleep(d);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw interrupted(e);
        }
    }

    /** Ctrl-C, or an interrupt, between or during polls: the job goes on, and a rerun attaches to it. */
    static ModelException interrupted(Throwable cause) {
        return new ModelException(ModelException.Kind.FINAL, 0, "Interrupted while following a fine-tuning job; it goes on, and a rerun attaches to it again.", null, cause);
    }

    @Override
    public void close() { client.close(); }
}
