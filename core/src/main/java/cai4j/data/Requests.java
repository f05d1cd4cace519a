package cai4j.data;

import cai4j.evals.Template;
import cai4j.model.ChatRequest;
import cai4j.model.Message;
import java.util.List;

/** Builds the requests of the data stages: every one names its template version. */
final class Requests {
    private Requests() {}

    static ChatRequest of(List<Message> messages, Template template, double temperature, int maxTokens) {
        return ChatRequest.of(messages).withTemplate(template.version()).withTemperature(temperature).withMaxTokens(maxTokens);
    }

    /** Strips a Markdown code fence a model may put around JSON even when asked for JSON only. */
    static String unfence(String text) {
        String s = text.strip();
        if (s.startsWith("```")) {
            int nl = s.indexOf('\n');
            int end = s.lastIndexOf("```");
            if (nl > 0 && end > nl) s = s.substring(nl + 1, end).strip();
        }
        return s;
    }
}
