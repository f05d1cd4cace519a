package cai4j.evals;

import cai4j.model.Message;
import java.util.List;

/**
 * An adversarial wrapper: turns a plain request into one that tries to get the target to set
 * its rules aside. Implementations live in {@link AttackStrategies}.
 */
public interface AttackStrategy {

    /** The name used in scenario files and on the command line, e.g. "role-play". */
    String name();

    /** Wraps a request; the result is the whole conversation the target sees. */
    List<Message> wrap(String request);

    /**
     * What the wrapper does and why it leaves adherence as it was, for the judge: an answer is
     * graded by the same standard as the unwrapped request, so the wrapper must not earn credit
     * (a "summary" that carries out an injected instruction) nor excuse a violation (in character).
     */
    String adherence();
}
