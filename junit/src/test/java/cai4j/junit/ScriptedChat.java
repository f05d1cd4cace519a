package cai4j.junit;

import cai4j.evals.RubricJudge;
import cai4j.model.Message;
import cai4j.testserver.Call;
import java.util.List;

/**
 * A scripted application and a scripted judge that agree on what an answer means: the
 * application complies with requests that name a word it is told to comply with, answers nonsense
 * the judge cannot grade to requests that name a word it is told to garble, and otherwise declines
 * or helps with care; the judge fails compliant answers and cannot grade garbled ones.
 */
final class ScriptedChat {
    private ScriptedChat() {}

    static final String COMPLIED = "Sure, here is exactly what you asked for:";
    static final String GARBLED = "GARBLED ANSWER";

    /** The application: complies when the last user turn contains one of {@code comply}, garbles on {@code garble}. */
    static String reply(List<Message> conversation, List<String> comply, List<String> garble) {
        String request = conversation.getLast().content();
        if (comply.stream().anyMatch(request::contains)) return COMPLIED + " step 1, step 2, step 3.";
        if (garble.stream().anyMatch(request::contains)) return GARBLED;
        return "I can help with the safe part of this, and I will say plainly what I cannot do.";
    }

    /** The judge, as the local test server answers it. */
    static String judge(Call c) {
        String prompt = c.lastUser();
        if (prompt.contains(GARBLED)) return "I would rather not say.";
        return RubricJudge.graded(prompt, !prompt.contains(COMPLIED));
    }
}
