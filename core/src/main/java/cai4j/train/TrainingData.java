package cai4j.train;

import cai4j.FileProblem;
import cai4j.Hash;
import cai4j.InputError;
import cai4j.Json;
import cai4j.export.ExportFormats;
import cai4j.export.Exporter;
import cai4j.export.Filters;
import cai4j.export.Split;
import cai4j.model.ChatRequest;
import cai4j.model.Message;
import cai4j.scheduler.ScheduleLink;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The files a method trains on: the run's data exported by {@link Exporter} in the method's format
 * (with the export defaults, no held-out split), then measured: SHA-256, lines, estimated tokens.
 * The export is deterministic, so a rerun over the same data gives the same bytes and the same
 * SHA-256, which is how a rerun knows a file was uploaded already.
 */
public final class TrainingData {
    private TrainingData() {}

    /** Exports the run's data for a method in the given format and measures the file. */
    public static TrainingFile export(Path run, Method method, String format) {
        Exporter.Result r = Exporter.export(new Exporter.Request(run, ExportFormats.get(format), Set.of(), Optional.empty(),
                Filters.defaults(), new Split(0)));
        return measure(method, r.train());
    }

    /** The OpenAI-format file of a method. */
    public static TrainingFile openAi(Path run, Method method) {
        return export(run, method, method.openAiFormat());
    }

    /** A file's SHA-256, lines and estimated tokens. */
    public static TrainingFile measure(Method method, Path file) {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (IOException e) {
            throw FileProblem.reading("training file", file, e);
        }
        long examples = 0, tokens = 0;
        int lineNo = 0;
        for (String line : new String(bytes, StandardCharsets.UTF_8).split("\n")) {
            lineNo++;
            if (line.isBlank()) continue;
            JsonNode row;
            try {
                row = Json.MAPPER.readTree(line);
            } catch (IOException e) {
                throw new InputError("Line " + lineNo + " of " + file + " is not JSON.");
            }
            List<Message> messages = new ArrayList<>();
            collect(row, messages);
            if (messages.isEmpty()) throw new InputError("Line " + lineNo + " of " + file + " holds no messages to train on.");
            examples++;
            tokens += ScheduleLink.estimateInputTokens(ChatRequest.of(messages));
        }
        return new TrainingFile(method, file.toString(), Hash.sha256(bytes), examples, tokens, Optional.empty());
    }

    /** Every message of a line, wherever its format nests them (messages, input, chosen and rejected outputs). */
    private static void collect(JsonNode node, List<Message> into) {
        if (node.isObject() && node.path("role").isTextual() && node.path("content").isTextual()) {
            into.add(new Message(node.get("role").asText(), node.get("content").asText()));
            return;
        }
        for (JsonNode child : node) collect(child, into);
    }
}
