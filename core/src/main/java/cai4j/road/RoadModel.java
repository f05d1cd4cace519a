package cai4j.road;

import cai4j.model.ChatRequest;
import cai4j.model.Completion;
import cai4j.model.LanguageModel;
import cai4j.model.ModelSpec;
import cai4j.model.RateLimits;
import java.time.Duration;
import java.util.List;
import java.util.function.Consumer;

/**
 * A provider behind a list of links: what a stage holds. Each call runs down the links in order
 * and ends at the provider; the chain's steps are built once, so a call allocates nothing for them.
 */
final class RoadModel implements LanguageModel {
    private final LanguageModel provider;
    private final Link[] links;
    private final Link.Chain[] steps;

    RoadModel(LanguageModel provider, List<Link> links) {
        this.provider = provider;
        this.links = links.toArray(Link[]::new);
        this.steps = new Link.Chain[this.links.length + 1];
        for (int i = 0; i < this.links.length; i++) {
            int at = i;
            steps[i] = call -> this.links[at].handle(call, steps[at + 1]);
        }
        steps[this.links.length] = this::send;
    }

    /** The end of the road: one attempt at the provider. */
    private Answer send(Call call) {
        long t0 = System.nanoTime();
        Completion c = provider.complete(call.request());
        return Answer.fresh(c, Duration.ofNanos(System.nanoTime() - t0));
    }

    @Override
    public ModelSpec spec() { return provider.spec(); }

    @Override
    public boolean local() { return provider.local(); }

    @Override
    public int maxConcurrency() { return provider.maxConcurrency(); }

    @Override
    public void onRateLimits(Consumer<RateLimits> listener) { provider.onRateLimits(listener); }

    /** A call down this model's road, with what the links learned about its answer. */
    Answer answer(Call call) {
        return steps[0].proceed(call);
    }

    @Override
    public Completion complete(ChatRequest request) {
        try {
            return steps[0].proceed(new Call(provider.spec(), request, provider.local())).completion();
        } catch (CallFailed f) {
            throw f.error();
        }
    }

    @Override
    public void close() { provider.close(); }
}
