package cai4j.export;

import cai4j.Json;
import cai4j.data.DataMeta;
import cai4j.data.Kind;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The dataset card ({@code README.md}) written beside an export: Hugging Face metadata (splits and
 * their files) in YAML front matter, then counts, models, the constitution and its hash, the
 * principles used, the filters applied and the prompt template versions.
 */
final class DatasetCard {
    private DatasetCard() {}

    /** Marks a card as ours, so a later export may replace it but a user's README is never overwritten. */
    static final String MARK = "<!-- written by cai4j export -->";

    static Path write(Path dir, Path train, Optional<Path> test, Exporter.Request req, RunData data, Set<Kind> kinds,
                      Map<String, Integer> counts, Map<String, Integer> dropped, List<Row> kept) {
        Path card = dir.resolve("README.md");
        if (Files.exists(card) && !ours(card)) card = dir.resolve(stem(train) + ".card.md");
        Json.writeAtomically(card, text(train, test, req, data, kinds, counts, dropped, kept));
        return card;
    }

    private static boolean ours(Path card) {
        try {
            return Files.readString(card).contains(MARK);
        } catch (IOException e) {
            return false;
        }
    }

    private static String stem(Path f) {
        String n = f.getFileName().toString();
        int dot = n.lastIndexOf('.');
        return dot > 0 ? n.substring(0, dot) : n;
    }

    static String text(Path train, Optional<Path> test, Exporter.Request req, RunData data, Set<Kind> kinds,
                       Map<String, Integer> counts, Map<String, Integer> dropped, List<Row> kept) {
        ExportFormat f = req.format();
        StringBuilder sb = new StringBuilder();
        sb.append("---\n");
        sb.append("configs:\n- config_name: default\n  data_files:\n");
        sb.append("  - split: train\n    path: ").append(train.getFileName()).append('\n');
        test.ifPresent(t -> sb.append("  - split: test\n    path: ").append(t.getFileName()).append('\n'));
        sb.append("tags:\n- constitutional-ai\n- cai4j\n");
        for (Kind k : new TreeSet<>(kinds)) sb.append("- ").append(tag(k)).append('\n');
        sb.append("---\n").append(MARK).append("\n\n");

        String title = data.meta().values().stream().map(m -> m.constitution().title()).filter(t -> t != null && !t.isBlank()).findFirst().orElse("Constitution");
        sb.append("# ").append(title).append(" — ").append(f.name()).append(" export\n\n");
        sb.append("Training data generated with the Constitutional AI method by cai4j from run `")
                .append(req.runDir().getFileName()).append("`.\n\n");
        sb.append("Format: ").append(f.description()).append(".\n\n");

        sb.append("## Counts\n\n| split | kind | rows |\n|---|---|---:|\n");
        for (String split : List.of("train", "test")) {
            if (split.equals("test") && test.isEmpty()) continue;
            for (Kind k : new TreeSet<>(kinds)) sb.append("| ").append(split).append(" | ").append(k.fileName()).append(" | ")
                    .append(counts.getOrDefault(split + "/" + k.fileName(), 0)).append(" |\n");
            sb.append("| ").append(split).append(" | all | ").append(counts.getOrDefault(split, 0)).append(" |\n");
        }
        sb.append('\n');
        if (test.isPresent()) {
            sb.append("The test split holds about ").append(pct(req.split().fraction()))
                    .append(" of the prompts, chosen by a hash of the prompt, so no prompt is in both splits.\n\n");
        }

        sb.append("## Source\n\n");
        Set<String> constitutions = new TreeSet<>();
        for (DataMeta m : data.meta().values()) {
            constitutions.add("`" + m.constitution().source() + "` (" + m.constitution().title() + "), sha256 `" + m.constitution().sha256() + "`");
        }
        for (String c : constitutions) sb.append("- Constitution: ").append(c).append('\n');
        sb.append("\n| kind | records in run | role | model |\n|---|---:|---|---|\n");
        for (Kind k : new TreeSet<>(kinds)) {
            DataMeta m = data.meta().get(k);
            int n = data.rows().get(k).size();
            if (m == null) {
                sb.append("| ").append(k.fileName()).append(" | ").append(n).append(" | | (no meta file) |\n");
                continue;
            }
            for (Map.Entry<String, String> e : m.models().entrySet()) {
                sb.append("| ").append(k.fileName()).append(" | ").append(n).append(" | ").append(e.getKey()).append(" | `").append(e.getValue()).append("` |\n");
            }
        }
        sb.append('\n');
        for (Kind k : new TreeSet<>(kinds)) {
            DataMeta m = data.meta().get(k);
            if (m == null) continue;
            sb.append("- ").append(k.fileName()).append(": ").append(method(k)).append("; settings ").append(Json.write(m.settings()));
            if (!m.inputs().isEmpty()) sb.append("; inputs ").append(Json.write(m.inputs()));
            if (!m.rejected().isEmpty()) sb.append("; left out while generating ").append(Json.write(m.rejected()));
            sb.append('\n');
        }

        DataMeta prefs = data.meta().get(Kind.PREFS);
        if (kinds.contains(Kind.PREFS) && prefs != null) sb.append(labels(prefs, f));

        sb.append("\n## Principles used\n\n| clause or principle | rows |\n|---|---:|\n");
        Map<String, Integer> principles = new TreeMap<>();
        for (Row r : kept) for (String id : r.clauseIds()) principles.merge(id, 1, Integer::sum);
        principles.forEach((id, n) -> sb.append("| `").append(id).append("` | ").append(n).append(" |\n"));

        sb.append("\n## Filters\n\n");
        for (String d : req.filters().describe()) sb.append("- ").append(d).append('\n');
        if (dropped.isEmpty()) sb.append("- nothing was left out\n");
        else dropped.forEach((reason, n) -> sb.append("- left out: ").append(n).append(" — ").append(reason).append('\n'));

        sb.append("\n## Prompt templates\n\n");
        Set<String> templates = new TreeSet<>();
        for (Kind k : kinds) {
            DataMeta m = data.meta().get(k);
            if (m != null) templates.addAll(m.templates().values());
        }
        for (String t : templates) sb.append("- `").append(t).append("`\n");
        return sb.toString();
    }

    /** How the preference labels were made, from the settings and counts the prefs stage recorded. */
    static String labels(DataMeta m, ExportFormat f) {
        Map<String, Object> s = m.settings();
        Map<String, Integer> n = m.counts();
        StringBuilder sb = new StringBuilder("\n## How the preference labels were made\n\n");
        sb.append("- The feedback model (`").append(m.models().getOrDefault("judge", "?")).append("`) compared two samples of the target under ")
                .append(s.getOrDefault("principles_per_pair", "?")).append(" principles per pair, drawn from ")
                .append("given questions".equals(s.get("principles_from")) ? "the questions given"
                        : "the clauses each prompt touches (the clauses its scenario tests, and those a relevance pass chose from the clause texts), highest tier first")
                .append(", each asked in both option orders; the prompt stated the tiers in order, and the two responses were escaped and put between delimiters derived from their content, so neither could pose as the question.\n");
        if ("tier-first".equals(s.get("aggregation"))) {
            sb.append("- Tier-first: the highest tier whose principles preferred one response (their mean probability at least ")
                    .append(s.getOrDefault("tie_margin", "?")).append(" away from 0.5) decided the label; lower tiers only broke its ties. ")
                    .append("When no tier preferred either response the pair is a tie, with label 0.5: ")
                    .append(f.shape() == ExportFormat.Shape.PAIR ? "left out of this export, which holds preference pairs only.\n" : "kept in this export with score 0.5.\n");
        }
        sb.append("- Option probabilities: P(A) / (P(A) + P(B)) of the next token, used only when P(A) + P(B) was at least ")
                .append(s.getOrDefault("min_option_mass", "?")).append("; a pair with a call without usable probabilities was asked again by chain of thought, whose verdict counts as ")
                .append(s.getOrDefault("clamp", List.of(0.4, 0.6))).append(". The two kinds are never mixed in one label (mode ")
                .append(s.getOrDefault("mode", "?")).append(").\n");
        Object shots = s.get("few_shot_comparisons");
        if (shots instanceof Number k && k.intValue() > 0) {
            sb.append("- ").append(k).append(" worked comparisons from `").append(m.inputs().getOrDefault("few_shot_comparisons", "?")).append("` came before each question.\n");
        }
        List<String> made = new java.util.ArrayList<>();
        n.forEach((what, count) -> {
            if (what.startsWith("labels ") || what.startsWith("ties ") || what.startsWith("pairs asked by")) made.add(count + " " + what);
        });
        if (!made.isEmpty()) sb.append("- In this run: ").append(String.join("; ", made)).append(".\n");
        return sb.toString();
    }

    private static String tag(Kind k) {
        return switch (k) {
            case SFT -> "critique-revision";
            case PREFS -> "rlaif";
            case DISTILL -> "context-distillation";
            case UNDERSTAND -> "constitution-understanding";
        };
    }

    private static String method(Kind k) {
        return switch (k) {
            case SFT -> "critique and revision under principles the prompt touches (SL-CAI); a revision is kept only if the judge passes it and scores it no lower than the answer it revised";
            case PREFS -> "AI-feedback preference labels, both option orders, tier-first soft labels (RLAIF); conflict pairs (source conflict) whose chosen answer the judge found to honour the higher tier and whose rejected answer let the lower tier win";
            case DISTILL -> "context distillation: answered with the constitution as system prompt, recorded without it; an answer is kept only if the judge passes it";
            case UNDERSTAND -> "questions and answers about the clauses (quoted, never by id), their application and tier conflicts; a conflict answer is kept only if the judge sees the higher tier win";
        };
    }

    private static String pct(double f) {
        return String.format(java.util.Locale.ROOT, "%.1f%%", f * 100);
    }
}
