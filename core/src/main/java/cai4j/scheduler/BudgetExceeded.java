package cai4j.scheduler;

import cai4j.model.ModelException;

/** The run stopped before a call could take its cost past {@code --max-cost}. */
public final class BudgetExceeded extends ModelException {
    public BudgetExceeded(String message) {
        super(Kind.FINAL, 0, message, null, null);
    }
}
