package cai4j.road;

/**
 * One concern on the road (the ledger, the schedule, the budget, usage counting, progress): a call
 * goes in, an answer comes out, and in between the link may pass the call on to the rest of the
 * road with {@link Chain#proceed}, once, several times (retries) or not at all (a replay). The road
 * is a list of links ending at the provider, assembled in one place ({@link Road}); a new concern
 * is one new link.
 *
 * <p>A link that fails a call for good throws {@link CallFailed}; a {@link cai4j.model.ModelException}
 * from the provider passes through the links between, so the link that retries sees it.
 */
@FunctionalInterface
public interface Link {

    Answer handle(Call call, Chain next);

    /** The rest of the road after a link. */
    @FunctionalInterface
    interface Chain {
        Answer proceed(Call call);
    }
}
