package cai4j.scheduler;

import cai4j.model.ModelException;
import cai4j.model.Usage;
import cai4j.road.Answer;
import cai4j.road.Call;
import cai4j.road.CallFailed;
import cai4j.road.Link;

/**
 * Keeps {@code --max-cost}: holds an attempt's worst-case cost while it is at the provider, and
 * stops the run before an attempt could take the run past the budget. It sits inside the schedule,
 * so only attempts about to be sent hold budget, never calls waiting for a slot.
 */
public final class BudgetLink implements Link {
    private final RunControl run;
    private final Prices prices;

    public BudgetLink(RunControl run, Prices prices) {
        this.run = run;
        this.prices = prices;
    }

    @Override
    public Answer handle(Call call, Chain next) {
        double worst = call.local() ? 0
                : prices.cost(call.spec(), new Usage(ScheduleLink.estimateInputTokens(call.request()), call.request().maxTokens(), 0));
        try {
            run.reserve(worst);
        } catch (ModelException e) {
            throw new CallFailed(e, 0); // the run is stopped (past the budget, or by another call): never sent, not an attempt
        }
        try {
            return next.proceed(call);
        } finally {
            run.release(worst);
        }
    }
}
