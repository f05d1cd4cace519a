package cai4j.data;

import cai4j.constitution.Constitution;
import cai4j.model.Usage;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import java.util.List;
import java.util.Map;

/**
 * What a data file was made from, written beside it as {@code data/<kind>.meta.json}: the dataset
 * card of an export is built from it.
 *
 * @param kind         which data
 * @param constitution title, source and hash of the constitution
 * @param models       role → model spec
 * @param templates    prompt template versions used
 * @param inputs       what the items came from (prompt file, few-shot file) and their hashes
 * @param settings     the stage's settings
 * @param items        items processed (prompts, or questions for understanding)
 * @param records      records written
 * @param skippedLines prompt-file lines left out with --skip-bad
 * @param rejected     items or records left out, by reason
 * @param principles   clause or principle id → how often it was used
 * @param counts       what else happened, by name, that is not a rejection: relevance answers that
 *                     could not be used, how preference labels were made and which tier decided them
 * @param usage        tokens over all calls (replayed calls count their stored usage)
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record DataMeta(
        String kind,
        ConstitutionRef constitution,
        Map<String, String> models,
        Map<String, String> templates,
        Map<String, String> inputs,
        Map<String, Object> settings,
        int items,
        int records,
        List<String> skippedLines,
        Map<String, Integer> rejected,
        Map<String, Integer> principles,
        Map<String, Integer> counts,
        Usage usage) {
    public DataMeta {
        counts = counts == null ? Map.of() : counts; // meta files written before counts were kept
    }


    public record ConstitutionRef(String title, String source, String sha256) {
        public static ConstitutionRef of(Constitution c) {
            return new ConstitutionRef(c.title(), c.source(), c.sha256());
        }
    }

    /** The share of input tokens read from a provider's prompt cache. */
    public double cachedShare() {
        return usage.inputTokens() == 0 ? 0 : (double) usage.cachedTokens() / usage.inputTokens();
    }
}
