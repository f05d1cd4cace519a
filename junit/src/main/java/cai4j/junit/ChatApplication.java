package cai4j.junit;

import cai4j.model.Message;
import java.util.List;
import java.util.function.Function;

/**
 * The application under test, as its users reach it: its real chat service with its own system
 * prompt and tools, given a scenario's conversation and returning its answer.
 *
 * <p>The conversation is the scenario's, as {@code cai4j evals generate} wrote it: an operator's
 * system message when the scenario has one, earlier turns, then the user's request. The
 * application adds its own system prompt as it does in production; the constitution is never added.
 */
@FunctionalInterface
public interface ChatApplication {

    /** The application's answer; an exception is an error of the test, never a pass or a failure. */
    String reply(List<Message> conversation) throws Exception;

    /** An application given as a function. */
    static ChatApplication of(Function<List<Message>, String> reply) {
        return reply::apply;
    }
}
