package cai4j.report;

import cai4j.model.Message;
import java.util.List;
import java.util.Map;

/**
 * One kind of training data of a run ({@code data/<kind>.jsonl}).
 *
 * @param kind       sft, prefs, distill or understand
 * @param records    records in the file
 * @param items      items the stage processed (from its meta file; equal to records when unknown)
 * @param rejected   items left out, by reason
 * @param principles clause or principle id → times used
 * @param softLabels every soft label, for preference data (empty otherwise)
 * @param examples   the first few records, shaped for reading
 */
public record DataSet(String kind, int records, int items, Map<String, Integer> rejected, Map<String, Integer> principles,
                      List<Double> softLabels, List<Example> examples) {

    public DataSet {
        // copies that keep the order they were given in (the meta files sort them)
        rejected = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(rejected));
        principles = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(principles));
        softLabels = List.copyOf(softLabels);
        examples = List.copyOf(examples);
    }

    /**
     * One training record as a person reads it.
     *
     * @param id          record id
     * @param messages    the training conversation (prompt and the answer trained towards)
     * @param alternative the answer trained away from: the initial answer of a revision, the rejected
     *                    response of a preference pair ("" when the kind has none)
     * @param note        what else matters: the critique, the soft label and principles, the clauses
     */
    public record Example(String id, List<Message> messages, String alternative, String note) {
        public Example {
            messages = List.copyOf(messages);
        }
    }
}
