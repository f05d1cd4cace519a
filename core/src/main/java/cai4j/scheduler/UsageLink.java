package cai4j.scheduler;

import cai4j.model.Usage;
import cai4j.road.Answer;
import cai4j.road.Call;
import cai4j.road.Link;

/**
 * Prices each answer the provider gives and counts its tokens and cost. It sits right next to the
 * provider, inside the budget, so that the budget sees the cost spent before it releases what the
 * call held.
 */
public final class UsageLink implements Link {
    private final Progress progress;
    private final Prices prices;

    public UsageLink(Progress progress, Prices prices) {
        this.progress = progress;
        this.prices = prices;
    }

    @Override
    public Answer handle(Call call, Chain next) {
        Answer a = next.proceed(call);
        Usage u = a.completion().usage();
        double cost = call.local() ? 0 : prices.cost(call.spec(), u);
        progress.complete(u, cost);
        return a.withCost(cost);
    }
}
