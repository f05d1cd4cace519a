package cai4j.evals;

import cai4j.Json;
import cai4j.model.AnswerCaps;
import cai4j.model.ChatRequest;
import cai4j.model.Completion;
import cai4j.model.LanguageModel;
import cai4j.model.Message;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A request that expects JSON: the schema travels with the request (providers turn it into
 * {@code response_format}/output-format), and the answer is still checked against it here.
 */
final class StructuredCall {
    private StructuredCall() {}

    static final Template REPAIR = Template.load("repair");

    /** The outcome of one structured call. */
    sealed interface Outcome permits Valid, Invalid {}

    /** A schema-valid object and the completion it came from. */
    record Valid(JsonNode value, Completion completion) implements Outcome {}

    /** No usable object: why, and the raw answer for the record. */
    record Invalid(String problem, String answer) implements Outcome {}

    static JsonNode schema(String resourceName) {
        return parse(Template.resource(resourceName));
    }

    static JsonNode parse(String json) {
        try {
            return Json.MAPPER.readTree(json);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("bad built-in JSON: " + e.getOriginalMessage(), e);
        }
    }

    /**
     * Checks an answer. With {@code strict}, the answer must hold exactly one distinct
     * schema-valid object: two different verdicts in one answer are ambiguous, not a choice.
     */
    static Outcome check(String answer, JsonNode schema, boolean strict, Completion completion) {
        JsonAnswer found = JsonAnswer.read(answer);
        if (found.objects().isEmpty()) return new Invalid(found.problem(), answer);
        Set<JsonNode> valid = new LinkedHashSet<>();
        String firstProblem = "";
        for (JsonNode o : found.objects()) {
            List<String> errors = JsonSchemaCheck.validate(schema, o);
            if (errors.isEmpty()) valid.add(o);
            else if (firstProblem.isEmpty()) firstProblem = "the JSON does not follow the schema: " + String.join("; ", errors);
        }
        if (valid.isEmpty()) return new Invalid(firstProblem, answer);
        if (strict && valid.size() > 1) return new Invalid("the answer holds " + valid.size() + " different JSON objects, so it is ambiguous", answer);
        return new Valid(valid.iterator().next(), completion);
    }

    /**
     * Whether a repair cannot help: the embedded model's answer was cut at its length, and a repair
     * (the same grammar, the same room, the prompt longer by the broken answer) would be cut again
     * while reading the whole prompt once more. Its grammar closes every answer that has room, so
     * what is left to repair there is an answer the grammar allowed but the stage did not.
     */
    static boolean hopeless(LanguageModel model, Completion answer) {
        return model.local() && answer.finishReason().equals("length");
    }

    /** Asks once; when the answer is unusable and {@code repair} is set, asks once more to fix it. */
    static Outcome ask(LanguageModel model, ChatRequest request, JsonNode schema, boolean strict, boolean repair) {
        return ask(model, request, schema, schema, strict, repair);
    }

    /**
     * As above, checking the answer against {@code accepted}, a looser schema than the one sent:
     * strict structured output (OpenAI's) wants every property required, while an answer that
     * leaves out an empty optional field has still said all it means.
     */
    static Outcome ask(LanguageModel model, ChatRequest request, JsonNode schema, JsonNode accepted, boolean strict, boolean repair) {
        ChatRequest withSchema = request.withJsonSchema(Json.write(schema));
        Completion first = model.complete(withSchema);
        Outcome outcome = check(first.text(), accepted, strict, first);
        if (outcome instanceof Valid || !repair || hopeless(model, first)) return outcome;
        Invalid bad = (Invalid) outcome;
        List<Message> messages = new ArrayList<>(withSchema.messages());
        messages.add(Message.assistant(first.text()));
        messages.add(Message.user(REPAIR.render(Map.of("problem", bad.problem(), "schema", Json.pretty(StructuredCall.parse(AnswerCaps.remote(Json.write(schema))))))));
        ChatRequest again = new ChatRequest(messages, withSchema.temperature(), withSchema.maxTokens(), withSchema.stop(),
                withSchema.seed(), withSchema.jsonSchema(), withSchema.options(), withSchema.sampleIndex(),
                withSchema.template() + "+" + REPAIR.version());
        Completion second = model.complete(again);
        Outcome repaired = check(second.text(), accepted, strict, second);
        if (repaired instanceof Invalid r) return new Invalid(bad.problem() + "; after one repair attempt: " + r.problem(), second.text());
        return repaired;
    }
}
