package cai4j.scheduler;

import cai4j.road.Answer;
import cai4j.road.Call;
import cai4j.road.CallFailed;
import cai4j.road.Link;

/** Counts, for the progress line, the calls served from the ledger and the calls that failed for good. */
public final class ProgressLink implements Link {
    private final Progress progress;

    public ProgressLink(Progress progress) {
        this.progress = progress;
    }

    @Override
    public Answer handle(Call call, Chain next) {
        try {
            Answer a = next.proceed(call);
            if (a.replayed()) progress.replay();
            return a;
        } catch (CallFailed f) {
            progress.fail();
            throw f;
        }
    }
}
