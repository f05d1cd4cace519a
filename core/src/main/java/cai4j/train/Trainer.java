package cai4j.train;

import cai4j.InputError;
import cai4j.scheduler.Prices;
import cai4j.scheduler.Progress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Fine-tunes a model on a run's data through a provider's fine-tuning API: exports each method's
 * file, uploads it, submits one job per method (DPO after SFT starts from the SFT job's model),
 * follows each job to its end, and keeps {@link TrainingRecord} up to date after every step.
 *
 * <p>Resume is rerun: a file whose SHA-256 the record holds with a file id is not uploaded again,
 * and a job the record holds for the same method, file and starting model is followed, not
 * submitted again, whatever state the previous command was killed in.
 */
public final class Trainer {
    private final TrainingRequest request;
    private final FineTuningClient client;
    private final Consumer<String> progress;
    private TrainingRecord record;

    /**
     * @param progress where lines for people go (uploads, submissions, status changes, the jobs' events)
     */
    public Trainer(TrainingRequest request, FineTuningClient client, Consumer<String> progress) {
        this.request = request;
        this.client = client;
        this.progress = progress;
        this.record = begin(request);
    }

    /** The cost of each file of the chain, with the record's file ids where they were uploaded; calls nothing. */
    public static List<TrainingCost> plan(TrainingRequest request, Prices prices) {
        List<TrainingCost> out = new ArrayList<>();
        Optional<TrainingRecord> known = TrainingRecord.read(request.run());
        for (Method m : request.chain()) {
            TrainingFile f = TrainingData.openAi(request.run(), m);
            TrainingFile withId = known.flatMap(r -> r.file(f.sha256())).flatMap(TrainingFile::fileId).map(f::withFileId).orElse(f);
            out.add(TrainingCost.of(withId, request.baseSpec(), request.epochs(), prices));
        }
        return out;
    }

    /** Runs the chain to its end; returns the record, whose {@code model} is the final fine-tuned model. */
    public TrainingRecord train() {
        String start = request.base();
        for (Method m : request.chain()) {
            String fileId = upload(TrainingData.openAi(request.run(), m));
            TrainingJob job = follow(submit(m, fileId, start));
            if (!job.status().equals(TrainingJob.SUCCEEDED)) throw failed(job);
            start = job.model().orElseThrow(() -> new TrainingFailed(job.id(), "Fine-tuning job " + job.id() + " (" + m.id()
                    + ") succeeded but names no fine-tuned model; ask the provider what it trained."));
        }
        String model = start;
        record = record.update(request.run(), r -> r.withModel(Optional.of(model)));
        return record;
    }

    /** Cancels the recorded jobs that have not finished; returns the record after. */
    public TrainingRecord cancel() {
        for (TrainingJob j : record.jobs()) {
            if (j.finished()) continue;
            FineTuningClient.Status s = client.cancel(j.id());
            record = record.update(request.run(), r -> r.withJob(j.seen(s.status(), s.model(), s.error())));
            progress.accept(j.method().id() + " job " + j.id() + ": " + s.status());
        }
        return record;
    }

    public TrainingRecord record() { return record; }

    /** The run's record, checked against the request, or a new one; never a record of another endpoint or base. */
    private static TrainingRecord begin(TrainingRequest req) {
        Optional<TrainingRecord> known = TrainingRecord.read(req.run());
        if (known.isEmpty()) {
            TrainingRecord fresh = new TrainingRecord(req.base(), req.provider().toString(), req.method(), req.suffix(), req.epochs(),
                    List.of(), List.of(), Optional.empty());
            fresh.write(req.run());
            return fresh;
        }
        TrainingRecord r = known.get();
        Path file = TrainingRecord.path(req.run());
        // file and job ids belong to one endpoint, and a job's settings are fixed when it is submitted:
        // attaching to a job trained otherwise would report a model the user did not ask for
        mismatch(file, "--provider", r.provider(), req.provider().toString());
        mismatch(file, "--base", r.base(), req.base());
        mismatch(file, "--suffix", r.suffix(), req.suffix());
        mismatch(file, "--epochs", r.epochs().map(String::valueOf).orElse("auto"), req.epochs().map(String::valueOf).orElse("auto"));
        if (!r.method().equals(req.method())) {
            r = r.withMethod(req.method()).withModel(Optional.empty());
            r.write(req.run());
        }
        return r;
    }

    private static void mismatch(Path file, String option, String recorded, String asked) {
        if (!recorded.equals(asked)) {
            throw new InputError(file + " records training with " + option + " " + (recorded.isEmpty() ? "(none)" : recorded)
                    + ", not " + (asked.isEmpty() ? "(none)" : asked) + "; pass the same options to resume it, or move the file away to train anew.");
        }
    }

    private String upload(TrainingFile file) {
        Optional<String> known = record.file(file.sha256()).flatMap(TrainingFile::fileId);
        if (known.isPresent()) {
            progress.accept(file.method().id() + " file " + file.path() + ": uploaded before as " + known.get());
            return known.get();
        }
        // the name carries the content's hash, so that an upload a killed command never recorded is found again
        String name = "cai4j-" + file.method().id() + "-" + file.sha256().substring(0, 16) + ".jsonl";
        Optional<String> lost = client.findFile(name, size(file));
        if (lost.isPresent()) {
            record = record.update(request.run(), r -> r.withFile(file.withFileId(lost.get())));
            progress.accept(file.method().id() + " file " + file.path() + ": found on the provider as " + lost.get());
            return lost.get();
        }
        progress.accept(file.method().id() + " file " + file.path() + ": uploading " + file.examples() + " examples, about " + file.tokens() + " tokens");
        String id = client.upload(Path.of(file.path()), name);
        record = record.update(request.run(), r -> r.withFile(file.withFileId(id)));
        progress.accept(file.method().id() + " file uploaded as " + id);
        return id;
    }

    private TrainingJob submit(Method m, String fileId, String start) {
        Optional<TrainingJob> known = record.job(m, fileId, start);
        if (known.isPresent() && !(request.resubmit() && known.get().stopped())) {
            progress.accept(m.id() + " job " + known.get().id() + ": submitted before (" + known.get().status() + "), following it");
            return known.get();
        }
        // what the job trains, as metadata on it, so that a submission a killed command never recorded is found again
        String key = cai4j.Hash.short16(String.join("\n", m.id(), fileId, start, request.suffix(), request.epochs().map(String::valueOf).orElse("auto")));
        Optional<FineTuningClient.Status> lost = known.isPresent() ? Optional.empty()
                : client.findJob(key).filter(s -> !(request.resubmit() && TrainingJob.stopped(s.status())));
        FineTuningClient.Status s = lost.isPresent() ? lost.get() : client.create(m, fileId, start, request.suffix(), request.epochs(), key);
        TrainingJob job = new TrainingJob(m, s.id(), s.status(), fileId, start, s.model(), s.error());
        record = record.update(request.run(), r -> r.withJob(job));
        progress.accept(m.id() + " job " + job.id() + (lost.isPresent() ? ": found on the provider (" : ": submitted from " + start + " (") + job.status() + ")");
        return job;
    }

    private static long size(TrainingFile f) {
        try {
            return java.nio.file.Files.size(Path.of(f.path()));
        } catch (java.io.IOException e) {
            throw cai4j.FileProblem.reading("training file", Path.of(f.path()), e);
        }
    }

    /** Polls a job until it finishes, recording every change and showing its new events. */
    private TrainingJob follow(TrainingJob start) {
        TrainingJob job = start;
        Set<String> shown = new HashSet<>();
        long began = System.nanoTime();
        while (true) {
            FineTuningClient.Status s = client.retrieve(job.id());
            for (FineTuningClient.Event e : client.events(job.id())) {
                if (shown.add(e.id())) progress.accept("  " + job.method().id() + " " + e.level() + ": " + e.message());
            }
            if (!s.status().equals(job.status()) || !s.model().equals(job.model()) || !s.error().equals(job.error())) {
                TrainingJob seen = job.seen(s.status(), s.model(), s.error());
                record = record.update(request.run(), r -> r.withJob(seen));
                progress.accept(job.method().id() + " job " + job.id() + ": " + s.status() + " after " + elapsed(began)
                        + s.model().map(x -> ", model " + x).orElse(""));
                job = seen;
            }
            if (job.finished()) return job;
            sleep(request.pollInterval());
        }
    }

    private static TrainingFailed failed(TrainingJob job) {
        String why = job.error().map(e -> ": " + e).orElse("");
        String what = job.status().equals(TrainingJob.CANCELLED) ? "was cancelled" : "failed";
        return new TrainingFailed(job.id(), "Fine-tuning job " + job.id() + " (" + job.method().id() + " from " + job.startModel() + ") " + what
                + why.replaceAll("\\.$", "") + "; fix the cause and rerun with --resubmit to submit it again.");
    }

    private static String elapsed(long began) {
        return Progress.duration(Duration.ofNanos(System.nanoTime() - began).toSeconds());
    }

    private static void sleep(Duration d) {
        if (d.isZero()) return;
        try {
            Thread.sleep(d);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw FineTuningClient.interrupted(e);
        }
    }
}
