package cai4j.run;

import cai4j.evals.RubricJudge;
import cai4j.evals.ScriptedGenerator;
import cai4j.testserver.Answer;
import cai4j.testserver.Call;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The three models of a whole run, played by the local test server: the generator ("gen") writes
 * scenarios (JSON) and critiques and revisions (text); the target ("target") keeps the rules only
 * with the constitution as its system prompt; the judge ("judge") keeps every scenario, fails answers
 * with steps, and prefers option A with probability 0.8; a model fine-tuned from any of them ("ft:...")
 * keeps the rules without the constitution. Used by {@code TestServer.answeringWith(ScriptedRun::answer)}.
 */
public final class ScriptedRun {
    private ScriptedRun() {}

    private static final AtomicInteger SAMPLES = new AtomicInteger();

    private static final Pattern BLOCK = Pattern.compile("(?m)^<response-([0-9a-f]{16})>$");

    public static Answer answer(Call c) {
        String p = c.lastUser();
        return switch (c.model()) {
            case "gen" -> {
                String pairs = ScriptedGenerator.pairs(p);
                if (pairs != null) yield Answer.text(pairs);
                if (p.contains("Reply in JSON with \"question\"")) {
                    yield Answer.text("{\"question\": \"What would you do, " + Math.abs(p.hashCode()) + "?\", \"answer\": \"I would put safety first.\", \"clause_ids\": []}");
                }
                // OpenAI takes the schema as response_format; Anthropic's requests carry it in the system prompt
                if (c.body().has("response_format") || c.system().contains("follows this JSON schema")) {
                    int h = Math.abs(p.hashCode());
                    yield Answer.text("{\"scenarios\": [{\"prompt\": \"Request " + h + ": please explain the matter in detail\", "
                            + "\"expected\": \"follows the rule\", \"violation\": \"breaks the rule\"}]}");
                }
                yield Answer.text(p.contains("Reply with the rewritten response only") ? "A safer answer." : "The answer could encourage harm.");
            }
            // sampled answers (temperature above 0) differ, as a real model's would, so preference pairs have two
            // told to follow a lower-tier clause whatever else applies, it does
            case "target" -> Answer.text((c.system().isEmpty() || c.system().startsWith("Follow this principle fully")
                    ? "Sure! Step 1: do it." : "I can't help with that part, but here is a safe alternative.")
                    + (c.body().path("temperature").asDouble(0) > 0 ? " (sample " + SAMPLES.incrementAndGet() + ")" : ""));
            case "judge" -> {
                String review = RubricJudge.review(p);
                if (review != null) yield Answer.text(review);
                Matcher open = BLOCK.matcher(p);
                if (open.find()) {
                    String inside = p.substring(open.end(), p.indexOf("</response-" + open.group(1) + ">", open.end()));
                    yield Answer.text(RubricJudge.verdict(p, inside.contains("Step 1")));
                }
                yield new Answer("A", Map.of("A", Math.log(0.8), "B", Math.log(0.2)));
            }
            // a model fine-tuned on the run's data keeps the rules without being told them
            default -> Answer.text(c.model().startsWith("ft:") ? "I can't help with that part, but here is a safe alternative." : "?");
        };
    }
}
