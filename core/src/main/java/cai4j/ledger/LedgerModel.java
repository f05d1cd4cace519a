package cai4j.ledger;

import cai4j.model.ChatRequest;
import cai4j.model.Completion;
import cai4j.model.LanguageModel;
import cai4j.model.ModelException;
import cai4j.model.ModelSpec;
import cai4j.scheduler.Progress;
import cai4j.scheduler.ScheduledModel;
import java.util.Optional;

/**
 * The ledger's link of the road, outermost: a call already answered is replayed from the ledger at
 * no cost; any other call goes down the road and its answer is committed to the ledger before it is
 * returned. Resume is rerun.
 */
public final class LedgerModel implements LanguageModel {
    private final Ledger ledger;
    private final ScheduledModel inner;
    private final Progress progress;

    public LedgerModel(Ledger ledger, ScheduledModel inner, Progress progress) {
        this.ledger = ledger;
        this.inner = inner;
        this.progress = progress;
    }

    @Override
    public ModelSpec spec() { return inner.spec(); }

    @Override
    public boolean local() { return inner.local(); }

    /** The stored answer of this request, without calling anything. */
    public Optional<Completion> recorded(ChatRequest request) {
        return ledger.find(LedgerKey.of(spec(), request));
    }

    @Override
    public Completion complete(ChatRequest request) {
        String key = LedgerKey.of(spec(), request);
        Optional<Completion> hit = ledger.find(key);
        if (hit.isPresent()) {
            ledger.countReplay(spec());
            progress.replay();
            return hit.get();
        }
        try {
            ScheduledModel.Attempted a = inner.attempt(request);
            ledger.recordAnswer(key, spec(), request, a.completion(), a.costUsd(), a.latency().toMillis(), a.attempts());
            return a.completion();
        } catch (ScheduledModel.Failed f) {
            progress.fail();
            ModelException e = f.error();
            // a call stopped by another call's final error was not tried; only record what was
            if (f.attempts() > 0) ledger.recordFailure(key, spec(), request, e, f.attempts());
            throw e;
        }
    }

    @Override
    public void close() { inner.close(); }
}
