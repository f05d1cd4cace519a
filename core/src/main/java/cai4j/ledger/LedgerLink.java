package cai4j.ledger;

import cai4j.model.Completion;
import cai4j.road.Answer;
import cai4j.road.Call;
import cai4j.road.CallFailed;
import cai4j.road.Link;
import java.util.Optional;

/**
 * The ledger's link of the road: a call already answered is replayed from the ledger at no cost;
 * any other call goes down the road and its answer is committed to the ledger before it is
 * returned, so a crash never loses a paid call. Resume is rerun.
 */
public final class LedgerLink implements Link {
    private final Ledger ledger;

    public LedgerLink(Ledger ledger) {
        this.ledger = ledger;
    }

    @Override
    public Answer handle(Call call, Chain next) {
        java.util.List<String> candidates = LedgerKey.candidates(call.spec(), call.request());
        String key = candidates.getFirst(); // the call's own key (each key is canonical JSON and a SHA-256: made once)
        Optional<Completion> hit = ledger.findAny(candidates);
        if (hit.isPresent()) {
            ledger.countReplay(call.spec());
            return Answer.replay(hit.get());
        }
        try {
            Answer a = next.proceed(call);
            ledger.recordAnswer(key, call.spec(), call.request(), a.completion(), a.costUsd(), a.latency().toMillis(), a.attempts());
            return a;
        } catch (CallFailed f) {
            // a call stopped by another call's final error was not tried; only record what was
            if (f.attempts() > 0) ledger.recordFailure(key, call.spec(), call.request(), f.error(), f.attempts());
            throw f;
        }
    }
}
