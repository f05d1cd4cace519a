package cai4j.export;

import cai4j.Hash;
import cai4j.InputError;
import cai4j.Json;
import cai4j.data.DataMeta;
import cai4j.data.DataRun;
import cai4j.data.DistillRecord;
import cai4j.data.Kind;
import cai4j.data.PreferenceRecord;
import cai4j.data.SftRecord;
import cai4j.data.UnderstandRecord;
import cai4j.model.Message;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The data files of a run, read as export rows, with the meta written beside each. */
public record RunData(Path runDir, Map<Kind, List<Row>> rows, Map<Kind, DataMeta> meta) {

    public static RunData read(Path runDir) {
        if (!Files.isDirectory(runDir)) throw new InputError("Run directory " + runDir + " does not exist.");
        Map<Kind, List<Row>> rows = new EnumMap<>(Kind.class);
        Map<Kind, DataMeta> meta = new EnumMap<>(Kind.class);
        for (Kind k : Kind.values()) {
            Path f = DataRun.file(runDir, k);
            if (!Files.exists(f)) continue;
            rows.put(k, rows(k, f));
            readMeta(DataRun.metaFile(runDir, k)).ifPresent(m -> meta.put(k, m));
        }
        if (rows.isEmpty()) {
            throw new InputError("Run " + runDir + " has no data yet: run 'cai4j data sft|prefs|distill|understand' with --run " + runDir + " first.");
        }
        return new RunData(runDir, rows, meta);
    }

    private static Optional<DataMeta> readMeta(Path f) {
        if (!Files.exists(f)) return Optional.empty();
        try {
            return Optional.of(Json.MAPPER.readValue(f.toFile(), DataMeta.class));
        } catch (IOException e) {
            throw new InputError(f + " is not a readable data meta file: " + e.getMessage());
        }
    }

    static List<Row> rows(Kind kind, Path f) {
        List<Row> out = new ArrayList<>();
        switch (kind) {
            case SFT -> {
                for (SftRecord r : Json.readLines(f, SftRecord.class)) {
                    out.add(new Row(r.id(), "sft", r.id(), r.prompt(), r.messages(), tail(r.chosen(), r.prompt()), tail(r.rejected(), r.prompt()),
                            null, r.clauseIds(), r.models().getOrDefault("generator", "")));
                }
            }
            case PREFS -> {
                for (PreferenceRecord r : Json.readLines(f, PreferenceRecord.class)) {
                    String group = cai4j.Hash.short16(Json.write(r.prompt()));
                    out.add(new Row(r.id(), "prefs", group, r.prompt(), r.chosen(), tail(r.chosen(), r.prompt()), tail(r.rejected(), r.prompt()),
                            r.softLabel(), r.principleIds(), r.models().getOrDefault("target", "")));
                }
            }
            case DISTILL -> {
                for (DistillRecord r : Json.readLines(f, DistillRecord.class)) {
                    out.add(new Row(r.id(), "distill", r.id(), r.prompt(), r.messages(), List.of(), List.of(), null,
                            r.clauseIds(), r.models().getOrDefault("target", "")));
                }
            }
            case UNDERSTAND -> {
                for (UnderstandRecord r : Json.readLines(f, UnderstandRecord.class)) {
                    out.add(new Row(r.id(), "understand", r.id(), r.messages().subList(0, r.messages().size() - 1), r.messages(),
                            List.of(), List.of(), null, r.clauseIds(), r.models().getOrDefault("generator", "")));
                }
            }
        }
        return out;
    }

    /** The assistant turns after the prompt, e.g. the chosen response of a full chosen conversation. */
    private static List<Message> tail(List<Message> conversation, List<Message> prompt) {
        return conversation.size() > prompt.size() ? conversation.subList(prompt.size(), conversation.size()) : conversation;
    }
}
