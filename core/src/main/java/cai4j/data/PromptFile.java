package cai4j.data;

import cai4j.InputError;
import cai4j.Json;
import cai4j.evals.EvalFiles;
import cai4j.evals.Scenario;
import cai4j.model.Message;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * Reads the prompts that data is generated from. Formats, by file name:
 * <ul>
 *   <li>{@code .jsonl}: one object a line with {@code "prompt"} (plain text, or a
 *       {@code "\n\nHuman: ...\n\nAssistant:"} transcript) or {@code "messages"} (chat turns);
 *       an optional {@code "system"} string is put first;</li>
 *   <li>{@code .csv}: a header row with a {@code prompt} column (and optionally {@code system});</li>
 *   <li>{@code .txt}: one transcript per file, or one plain prompt per non-empty line;</li>
 *   <li>a run directory: the scenarios of its evaluations, {@code evals/scenarios.jsonl}
 *       (their {@code messages}, as the target sees them); when the run split them, only the
 *       scenarios held out for training.</li>
 * </ul>
 * A bad line is an {@link InputError} naming the file and line, unless {@code skipBad} is set, in
 * which case it is reported in {@link Result#skipped()} and left out.
 */
public final class PromptFile {
    private PromptFile() {}

    /** The prompts read, in file order without duplicates, and the lines that were skipped. */
    public record Result(List<Prompt> prompts, List<String> skipped, int duplicates) {
        public Result {
            prompts = List.copyOf(prompts);
            skipped = List.copyOf(skipped);
        }

        public Result limit(int n) {
            return n <= 0 || n >= prompts.size() ? this : new Result(prompts.subList(0, n), skipped, duplicates);
        }
    }

    /** A line that could not be read: thrown within this class, turned into an error or a skip. */
    private static final class BadLine extends Exception {
        BadLine(String message) { super(message, null, false, false); }
    }

    public static Result read(Path file, boolean skipBad) {
        if (Files.isDirectory(file)) {
            Path scenarios = file.resolve("evals").resolve("scenarios.jsonl");
            if (!Files.isRegularFile(scenarios)) {
                throw new InputError(file + " is a directory without evals/scenarios.jsonl; give a prompt file or a run with generated scenarios.");
            }
            return training(file, read(scenarios, skipBad));
        }
        if (!Files.isRegularFile(file)) throw new InputError("Prompt file " + file + " does not exist.");
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new InputError("Cannot read prompt file " + file + ": " + cai4j.FileProblem.reason(e) + ".", e);
        }
        String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
        Collector c = new Collector(file.getFileName().toString(), skipBad);
        if (name.endsWith(".jsonl") || name.endsWith(".ndjson") || name.endsWith(".json")) readJsonl(text, c);
        else if (name.endsWith(".csv")) readCsv(text, c);
        else if (name.endsWith(".txt")) readText(text, c);
        else throw new InputError("Prompt file " + file + " has an unknown extension: use .jsonl, .csv or .txt.");
        if (c.prompts.isEmpty()) {
            throw new InputError("Prompt file " + file + " has no usable prompts"
                    + (c.skipped.isEmpty() ? "." : " (" + c.skipped.size() + " bad lines skipped, the first: " + c.skipped.getFirst() + ")."));
        }
        return new Result(new ArrayList<>(c.prompts), c.skipped, c.duplicates);
    }

    /**
     * The scenarios of a run that may be trained on: when the run split its scenarios
     * ({@code evals/split.json}), only those held out of the evaluation, so that no training prompt
     * is one the model is scored on; otherwise all of them.
     */
    private static Result training(Path runDir, Result all) {
        EvalFiles files = new EvalFiles(runDir);
        return files.readTrainingScenarios().map(train -> {
            Set<String> ids = new java.util.HashSet<>();
            for (Scenario s : train) ids.add(s.id());
            List<Prompt> kept = all.prompts().stream().filter(p -> p.scenario().map(Scenario::id).filter(ids::contains).isPresent()).toList();
            if (kept.isEmpty()) throw new InputError(files.split() + " holds out no scenario for training; the run has no training prompts.");
            return new Result(kept, all.skipped(), all.duplicates());
        }).orElse(all);
    }

    private static final class Collector {
        final String fileName;
        final boolean skipBad;
        final Set<Prompt> prompts = new LinkedHashSet<>();
        final Set<String> ids = new java.util.HashSet<>();
        final List<String> skipped = new ArrayList<>();
        int duplicates;

        Collector(String fileName, boolean skipBad) {
            this.fileName = fileName;
            this.skipBad = skipBad;
        }

        void add(int line, List<Message> messages) {
            add(Prompt.of(messages, fileName + ":" + line));
        }

        void add(Prompt p) {
            if (ids.add(p.id())) prompts.add(p);
            else duplicates++;
        }

        void bad(int line, String problem) {
            String where = fileName + " line " + line + ": " + problem;
            if (!skipBad) throw new InputError(where + " (use --skip-bad to leave such lines out).");
            skipped.add(where);
        }
    }

    private static void readJsonl(String text, Collector c) {
        String[] lines = text.split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i].strip();
            if (line.isEmpty()) continue;
            try {
                JsonNode node;
                try {
                    node = Json.MAPPER.readTree(line);
                } catch (JsonProcessingException e) {
                    throw new BadLine("not valid JSON (" + e.getOriginalMessage() + ")");
                }
                c.add(tested(node, Prompt.of(fromJson(node), c.fileName + ":" + (i + 1))));
            } catch (BadLine e) {
                c.bad(i + 1, e.getMessage());
            }
        }
    }

    private static List<Message> fromJson(JsonNode node) throws BadLine {
        if (!node.isObject()) throw new BadLine("expected a JSON object with \"prompt\" or \"messages\"");
        List<Message> messages = new ArrayList<>();
        JsonNode system = node.get("system");
        if (system != null && !system.isNull()) {
            if (!system.isTextual()) throw new BadLine("\"system\" must be a string");
            if (!system.asText().isBlank()) messages.add(Message.system(system.asText()));
        }
        JsonNode prompt = node.get("prompt");
        JsonNode turns = node.get("messages");
        // "messages" first: an evals scenario has both, and its messages are what the target saw
        if (turns != null && turns.isArray()) {
            if (turns.isEmpty()) throw new BadLine("\"messages\" is empty");
            for (JsonNode t : turns) {
                JsonNode role = t.get("role");
                JsonNode content = t.get("content");
                if (role == null || !role.isTextual() || content == null || !content.isTextual()) {
                    throw new BadLine("each message needs a string \"role\" and a string \"content\"");
                }
                String r = role.asText();
                if (!r.equals("system") && !r.equals("user") && !r.equals("assistant")) {
                    throw new BadLine("message role '" + r + "' is not system, user or assistant");
                }
                messages.add(new Message(r, content.asText()));
            }
        } else if (prompt != null && prompt.isTextual()) {
            messages.addAll(fromText(prompt.asText()));
        } else {
            throw new BadLine("expected a string \"prompt\" or an array \"messages\"");
        }
        return check(messages);
    }

    /**
     * A line of a run's {@code scenarios.jsonl} is an evaluation scenario: the prompt carries it, since
     * its clauses and rubric decide which principles apply and how an answer is checked.
     */
    private static Prompt tested(JsonNode node, Prompt p) throws BadLine {
        if (!node.has("clauseIds") || !node.has("kind")) return p;
        try {
            return p.asScenario(Json.MAPPER.treeToValue(node, Scenario.class));
        } catch (JsonProcessingException | IllegalArgumentException e) {
            Throwable why = e.getCause() instanceof InputError ie ? ie : e;
            throw new BadLine("not a scenario of this version (" + (why instanceof JsonProcessingException j ? j.getOriginalMessage() : why.getMessage()) + ")");
        }
    }

    /** Plain text is one user message; text in the transcript format is split into its turns. */
    private static List<Message> fromText(String text) throws BadLine {
        if (Transcript.looksLikeTranscript(text)) {
            Optional<List<Message>> turns = Transcript.parse(text);
            if (turns.isEmpty() || turns.get().isEmpty()) throw new BadLine("the transcript has no Human turn");
            return turns.get();
        }
        if (text.isBlank()) throw new BadLine("the prompt is empty");
        return List.of(Message.user(text.strip()));
    }

    private static List<Message> check(List<Message> messages) throws BadLine {
        if (messages.isEmpty()) throw new BadLine("no messages");
        for (Message m : messages) {
            if (m.content().isBlank() && !m.role().equals("system")) throw new BadLine("a " + m.role() + " message is empty");
        }
        if (!messages.getLast().role().equals("user")) {
            throw new BadLine("the conversation ends with an " + messages.getLast().role() + " turn; a prompt must end with the user's turn");
        }
        return messages;
    }

    private static void readText(String text, Collector c) {
        if (Transcript.looksLikeTranscript(text)) {
            try {
                c.add(1, check(fromText(text)));
            } catch (BadLine e) {
                c.bad(1, e.getMessage());
            }
            return;
        }
        String[] lines = text.split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            if (!lines[i].isBlank()) c.add(i + 1, List.of(Message.user(lines[i].strip())));
        }
    }

    /** RFC 4180 CSV: quoted fields may hold commas, doubled quotes and newlines. */
    private static void readCsv(String text, Collector c) {
        List<CsvRecord> records = parseCsv(text, c);
        if (records.isEmpty()) return;
        List<String> header = records.getFirst().fields().stream().map(h -> h.strip().toLowerCase(Locale.ROOT)).toList();
        int promptCol = header.indexOf("prompt");
        int systemCol = header.indexOf("system");
        if (promptCol < 0) {
            throw new InputError(c.fileName + " line 1: the CSV header has no 'prompt' column (found: " + String.join(", ", header) + ").");
        }
        for (CsvRecord r : records.subList(1, records.size())) {
            if (r.fields().size() == 1 && r.fields().getFirst().isBlank()) continue;
            try {
                if (r.fields().size() != header.size()) {
                    throw new BadLine("has " + r.fields().size() + " fields, the header has " + header.size());
                }
                List<Message> messages = new ArrayList<>();
                if (systemCol >= 0 && !r.fields().get(systemCol).isBlank()) messages.add(Message.system(r.fields().get(systemCol)));
                messages.addAll(fromText(r.fields().get(promptCol)));
                c.add(r.line(), check(messages));
            } catch (BadLine e) {
                c.bad(r.line(), e.getMessage());
            }
        }
    }

    private record CsvRecord(int line, List<String> fields) {}

    private static List<CsvRecord> parseCsv(String text, Collector c) {
        List<CsvRecord> out = new ArrayList<>();
        List<String> fields = new ArrayList<>();
        StringBuilder field = new StringBuilder();
        int line = 1, startLine = 1, i = 0;
        boolean quoted = false, any = false;
        if (text.startsWith("\uFEFF")) i = 1;
        for (; i < text.length(); i++) {
            char ch = text.charAt(i);
            any = true;
            if (quoted) {
                if (ch == '"') {
                    if (i + 1 < text.length() && text.charAt(i + 1) == '"') { field.append('"'); i++; }
                    else quoted = false;
                } else {
                    if (ch == '\n') line++;
                    field.append(ch);
                }
            } else if (ch == '"' && field.isEmpty()) {
                quoted = true;
            } else if (ch == ',') {
                fields.add(field.toString());
                field.setLength(0);
            } else if (ch == '\n' || ch == '\r') {
                if (ch == '\r' && i + 1 < text.length() && text.charAt(i + 1) == '\n') i++;
                fields.add(field.toString());
                field.setLength(0);
                out.add(new CsvRecord(startLine, List.copyOf(fields)));
                fields.clear();
                line++;
                startLine = line;
                any = false;
            } else {
                field.append(ch);
            }
        }
        if (quoted) throw new InputError(c.fileName + " line " + startLine + ": a quoted field is not closed.");
        if (any) {
            fields.add(field.toString());
            out.add(new CsvRecord(startLine, List.copyOf(fields)));
        }
        return out;
    }
}
