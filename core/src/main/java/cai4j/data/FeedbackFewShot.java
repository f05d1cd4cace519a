package cai4j.data;

import cai4j.Hash;
import cai4j.InputError;
import cai4j.evals.Calibration;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Worked comparisons shown to the feedback model before its question, as the Constitutional AI
 * paper's labelling prompts did: a file in the format of the HHH comparisons ({@code "prompt"}
 * with options (A) [[[...]]] (B) [[[...]]] ending in "The answer is:", and {@code "corrects"}),
 * each shown with its answer.
 *
 * @param source   file name, or "none"
 * @param sha256   hash of the file, recorded with the data
 * @param examples the comparisons
 */
public record FeedbackFewShot(String source, String sha256, List<Calibration.Item> examples) {
    public static final FeedbackFewShot NONE = new FeedbackFewShot("none", "", List.of());

    public FeedbackFewShot {
        examples = List.copyOf(examples);
    }

    /** The first {@code limit} comparisons of a file (0: all). */
    public static FeedbackFewShot load(Path file, int limit) {
        List<Calibration.Item> items = Calibration.read(file, limit);
        if (items.isEmpty()) throw new InputError("Feedback few-shot file " + file + " holds no comparison.");
        try {
            return new FeedbackFewShot(file.getFileName().toString(), Hash.sha256(Files.readString(file)), items);
        } catch (IOException e) {
            throw new InputError("Cannot read feedback few-shot file " + file + ": " + cai4j.FileProblem.reason(e) + ".", e);
        }
    }

    /** Each comparison with its answer, as the paper wrote them. */
    List<String> texts() {
        return examples.stream().map(i -> i.prompt(false).strip() + " (" + i.correct() + ")").toList();
    }
}
