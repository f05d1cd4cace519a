package cai4j.evals;

import cai4j.scheduler.StageProgress;
import cai4j.Corpus;
import cai4j.InputError;
import cai4j.Json;
import cai4j.model.ChatRequest;
import cai4j.model.Completion;
import cai4j.model.LanguageModel;
import cai4j.model.Message;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Measures the judge as a feedback model on labelled comparisons (the HHH set of Bai et al.
 * 2022): how often it picks the better response, asked in both option orders, and how often its
 * pick flips with the order (position bias, Zheng et al. 2023). Where the provider gives
 * next-token probabilities of the options, the pick is their argmax.
 */
public final class Calibration {
    public static final Template TEMPLATE = Template.load("calibrate");

    private static final Pattern OPTIONS = Pattern.compile(
            "^(.*?Options:\\n) \\(A\\) \\[\\[\\[(.*?)]]]\\n \\(B\\) \\[\\[\\[(.*)]]](\\s*The answer is:\\s*)$", Pattern.DOTALL);

    /**
     * One labelled comparison.
     *
     * @param head    the prompt up to the options
     * @param a       option A as given
     * @param b       option B as given
     * @param tail    the prompt after the options
     * @param correct 'A' or 'B'
     */
    public record Item(String head, String a, String b, String tail, char correct) {
        /** The comparison as the model is asked it, with the options in the given order. */
        public String prompt(boolean swapped) {
            return head + " (A) [[[" + (swapped ? b : a) + "]]]\n (B) [[[" + (swapped ? a : b) + "]]]" + tail;
        }

        char correct(boolean swapped) {
            return swapped ? (correct == 'A' ? 'B' : 'A') : correct;
        }
    }

    /** One asked order. */
    public record Answer(boolean swapped, char choice, boolean correct, double correctProbability, String text) {}

    /**
     * @param judge              model spec
     * @param template           calibration template version
     * @param items              comparisons asked
     * @param accuracy           correct picks over every parsed answer (both orders)
     * @param consistentAccuracy items answered correctly in both orders, over items with both parsed
     * @param positionBias       items whose pick flips with the order, over items with both parsed
     * @param firstOption        answers that pick option A, over parsed answers
     * @param unparseable        answers that named neither option (grader errors)
     * @param probabilities      answers that came with option probabilities
     * @param meanCorrectProbability mean normalised probability of the correct option, over those
     */
    public record Result(String judge, String template, int items, Rate accuracy, Rate consistentAccuracy, Rate positionBias,
                         Rate firstOption, int unparseable, int probabilities, double meanCorrectProbability) {}

    /** The labelled comparisons of a file in the HHH set's format. */
    public static List<Item> read(Path file, int limit) {
        if (!Files.exists(file)) throw new InputError("Calibration file " + file + " does not exist.");
        try {
            return parse(file.toString(), Files.readAllLines(file, StandardCharsets.UTF_8), limit);
        } catch (IOException e) {
            throw new InputError("Cannot read " + file + ": " + cai4j.FileProblem.reason(e) + ".", e);
        }
    }

    /** The 438 comparisons of the HHH set that the jar carries. */
    public static List<Item> bundled(int limit) {
        return parse(Corpus.HHH, Corpus.text(Corpus.HHH).lines().toList(), limit);
    }

    private static List<Item> parse(String name, List<String> lines, int limit) {
        List<Item> items = new ArrayList<>();
        if (!lines.isEmpty() && lines.getFirst().startsWith("\uFEFF")) {
            // a byte-order mark some editors write first; it is not part of the JSON
            lines = new ArrayList<>(lines);
            lines.set(0, lines.getFirst().substring(1));
        }
        for (int i = 0; i < lines.size() && (limit <= 0 || items.size() < limit); i++) {
            if (lines.get(i).isBlank()) continue;
            String where = name + " line " + (i + 1);
            JsonNode n;
            try {
                n = Json.MAPPER.readTree(lines.get(i));
            } catch (IOException e) {
                throw new InputError(where + " is not valid JSON.");
            }
            Matcher m = OPTIONS.matcher(n.path("prompt").asText());
            String correct = n.path("corrects").path(0).asText().strip();
            if (!m.matches() || !(correct.equals("(A)") || correct.equals("(B)"))) {
                throw new InputError(where + " is not a two-option comparison with \"prompt\" options (A) [[[...]]] (B) [[[...]]] and \"corrects\" [\" (A)\"] or [\" (B)\"].");
            }
            items.add(new Item(m.group(1), m.group(2), m.group(3), m.group(4), correct.charAt(1)));
        }
        // 0 of 0 is no accuracy at all, and a gate reading it would pass a judge nobody tested
        if (items.isEmpty()) throw new InputError(name + " holds no comparisons; there is nothing to calibrate the judge on.");
        return items;
    }

    public static Result run(LanguageModel judge, List<Item> items, StageProgress progress) {
        record Ask(Item item, boolean swapped) {}
        List<Ask> asks = new ArrayList<>();
        for (Item it : items) {
            asks.add(new Ask(it, false));
            asks.add(new Ask(it, true));
        }
        List<Optional<Answer>> answers = Parallel.map(asks, a -> ask(judge, a.item(), a.swapped()), progress, "calibrate");
        int parsed = 0, correct = 0, bothParsed = 0, bothCorrect = 0, flips = 0, firstOption = 0, unparseable = 0, withProb = 0;
        double probSum = 0;
        for (int i = 0; i < items.size(); i++) {
            Optional<Answer> x = answers.get(2 * i), y = answers.get(2 * i + 1);
            for (Optional<Answer> a : List.of(x, y)) {
                if (a.isEmpty()) { unparseable++; continue; }
                parsed++;
                if (a.get().correct()) correct++;
                if (a.get().choice() == 'A') firstOption++;
                if (a.get().correctProbability() >= 0) { withProb++; probSum += a.get().correctProbability(); }
            }
            if (x.isPresent() && y.isPresent()) {
                bothParsed++;
                if (x.get().correct() && y.get().correct()) bothCorrect++;
                // the same letter in both orders means two different responses were picked
                if (x.get().choice() == y.get().choice()) flips++;
            }
        }
        return new Result(judge.spec().toString(), TEMPLATE.version(), items.size(), Rate.of(correct, parsed),
                Rate.of(bothCorrect, bothParsed), Rate.of(flips, bothParsed), Rate.of(firstOption, parsed), unparseable,
                withProb, withProb == 0 ? 0 : probSum / withProb);
    }

    static Optional<Answer> ask(LanguageModel judge, Item item, boolean swapped) {
        ChatRequest request = ChatRequest.of(List.of(Message.user(TEMPLATE.render(Map.of("prompt", item.prompt(swapped).strip())))))
                .withMaxTokens(16)
                .withOptions(List.of("A", "B"))
                .withTemplate(TEMPLATE.version());
        Completion c = judge.complete(request);
        char right = item.correct(swapped);
        Double pa = c.optionProbabilities().get("A"), pb = c.optionProbabilities().get("B");
        if (pa != null && pb != null && pa + pb > 0) {
            char choice = pa >= pb ? 'A' : 'B';
            double pRight = (right == 'A' ? pa : pb) / (pa + pb);
            return Optional.of(new Answer(swapped, choice, choice == right, pRight, c.text()));
        }
        return choice(c.text()).map(ch -> new Answer(swapped, ch, ch == right, -1, c.text()));
    }

    private static final Pattern LEADING = Pattern.compile("^[\\s\"'*]*\\(?([AB])\\)?(?![A-Za-z])");
    private static final Pattern STATED = Pattern.compile("(?i)(?:answer|option|choice)\\s*(?:is)?\\s*:?\\s*\\(?([AB])\\)?(?![A-Za-z])");
    private static final Pattern PAREN = Pattern.compile("\\(([AB])\\)");

    /** The option an answer names, if it names exactly one. */
    static Optional<Character> choice(String text) {
        Matcher m = LEADING.matcher(text);
        if (m.find()) return Optional.of(m.group(1).charAt(0));
        m = STATED.matcher(text);
        if (m.find()) return Optional.of(m.group(1).charAt(0));
        List<Character> named = new ArrayList<>();
        m = PAREN.matcher(text);
        while (m.find()) if (!named.contains(m.group(1).charAt(0))) named.add(m.group(1).charAt(0));
        return named.size() == 1 ? Optional.of(named.getFirst()) : Optional.empty();
    }
}
