package cai4j.constitution;

import cai4j.Hash;
import cai4j.InputError;
import cai4j.Json;
import com.fasterxml.jackson.core.JsonProcessingException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Turns a constitution document into a {@link Constitution}: reads the file safely, picks the
 * format that accepts it, assigns stable ids and tier ranks, and lints the result.
 */
public final class Compiler {
    private Compiler() {}

    public static final long DEFAULT_MAX_BYTES = 20L * 1024 * 1024;

    /**
     * Documents of very many short lines are refused before parsing: a syntax tree of millions of
     * tiny list items would take gigabytes, while a constitution of half a million lines is
     * already far beyond any written by hand.
     */
    public static final int MAX_LINES = 500_000;

    /** Formats in the order they are tried; plain text accepts anything and comes last. */
    private static final List<Format> FORMATS = List.of(new MarkdownFormat(), new PrincipleListFormat(), new PlainTextFormat());

    /** A compiled constitution and what the compiler noticed about it. */
    public record Result(Constitution constitution, List<Problem> problems) {
        public List<Problem> errors() {
            return problems.stream().filter(p -> p.severity() == Problem.Severity.ERROR).toList();
        }
    }

    /** Compiles a document (or reads an already compiled constitution.json); errors are an {@link InputError}. */
    public static Constitution compile(Path file) {
        return compile(file, DEFAULT_MAX_BYTES);
    }

    public static Constitution compile(Path file, long maxBytes) {
        return orThrow(file.toString(), analyse(file, maxBytes));
    }

    /**
     * Compiles a document already in memory, such as one the jar carries; its name picks the format
     * (by extension) and names it in messages.
     */
    public static Constitution compile(String name, String text) {
        return orThrow(name, compile(new Source(Path.of(name), text, Hash.sha256(text.getBytes(StandardCharsets.UTF_8)))));
    }

    private static Constitution orThrow(String file, Result result) {
        List<Problem> errors = result.errors();
        if (!errors.isEmpty()) {
            Problem first = errors.getFirst();
            throw new InputError(file + (first.line() > 0 ? " line " + first.line() : "") + ": " + first.message()
                    + (errors.size() > 1 ? " (and " + (errors.size() - 1) + " more; run with --check to list them)" : ""));
        }
        return result.constitution();
    }

    /** Compiles and lints, returning every problem instead of stopping at the first. */
    public static Result analyse(Path file, long maxBytes) {
        Source source = read(file, maxBytes);
        Constitution compiled = alreadyCompiled(source);
        if (compiled != null) return new Result(compiled, List.of());
        return compile(source);
    }

    private static Result compile(Source source) {
        Format format = FORMATS.stream().filter(f -> f.accepts(source)).findFirst().orElseThrow();
        Draft draft = format.read(source);
        return assemble(source, draft, format.asWritten(source));
    }

    static Source read(Path file, long maxBytes) {
        byte[] bytes;
        try {
            if (Files.isDirectory(file)) throw new InputError(file + " is a directory, not a constitution file.");
            long size = Files.size(file);
            if (size > maxBytes) {
                throw new InputError(file + " is " + mb(size) + ", above the " + mb(maxBytes) + " limit (raise it with --max-size).");
            }
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new InputError(file + " does not exist.");
        } catch (IOException e) {
            throw new InputError("Cannot read " + file + ": " + cai4j.FileProblem.reason(e) + ".", e);
        }
        for (int i = 0; i < Math.min(bytes.length, 8192); i++) {
            if (bytes[i] == 0) throw new InputError(file + " is a binary file (a zero byte at offset " + i + "), not a text constitution.");
        }
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            throw new InputError(file + " is not UTF-8 text; save it as UTF-8 and try again.");
        }
        if (text.startsWith("\uFEFF")) text = text.substring(1);
        text = text.replace("\r\n", "\n").replace('\r', '\n');
        if (text.isBlank()) throw new InputError(file + " is empty.");
        long lines = text.chars().filter(c -> c == '\n').count();
        if (lines > MAX_LINES) {
            throw new InputError(file + " has " + lines + " lines, more than the " + MAX_LINES + " a constitution may have; split it into several documents.");
        }
        return new Source(file, text, Hash.sha256(bytes));
    }

    private static String mb(long bytes) {
        return String.format(java.util.Locale.ROOT, "%.1f MB", bytes / 1024.0 / 1024.0);
    }

    /** A constitution.json written by this compiler is read back as it is. */
    private static Constitution alreadyCompiled(Source source) {
        if (source.firstSignificant() != '{' || !source.text().contains("\"clauses\"") || !source.text().contains("\"sha256\"")) return null;
        try {
            var node = Json.MAPPER.readTree(source.text());
            if (!node.has("clauses") || !node.has("tiers") || !node.has("sha256")) return null;
            return Json.MAPPER.treeToValue(node, Constitution.class);
        } catch (JsonProcessingException e) {
            return null; // not ours after all: the format readers report the problem with its place
        }
    }

    private static Result assemble(Source source, Draft draft, String asWritten) {
        List<Problem> problems = new ArrayList<>();
        List<Tier> tiers = new ArrayList<>();
        for (Tier t : draft.declaredTiers()) tiers.add(new Tier(t.id(), tiers.size() + 1, t.description()));
        if (tiers.isEmpty()) tiers.add(new Tier("default", 1, "every clause: the document declares no tiers"));
        Set<String> tierIds = new HashSet<>();
        for (Tier t : tiers) {
            if (!tierIds.add(t.id())) problems.add(new Problem(Problem.Severity.ERROR, "duplicate-tier", 0, "tier '" + t.id() + "' is declared twice."));
        }
        String lowest = tiers.getLast().id();
        boolean single = draft.declaredTiers().isEmpty();

        List<Clause> clauses = new ArrayList<>();
        Map<String, Integer> taken = new HashMap<>();
        Map<String, Clause> byText = new HashMap<>();
        for (Draft.Item item : draft.clauses()) {
            String tier = single ? "default" : item.tier().isEmpty() ? lowest : item.tier();
            if (!tierIds.contains(tier)) {
                problems.add(new Problem(Problem.Severity.ERROR, "undeclared-tier", item.line(),
                        "clause \"" + abbreviate(item.text()) + "\" names tier '" + tier + "', which is not declared (declared: " + String.join(", ", tierIds.stream().sorted().toList()) + ")."));
            }
            String id;
            if (!item.explicitId().isEmpty()) {
                id = item.explicitId();
                if (taken.containsKey(id)) problems.add(new Problem(Problem.Severity.ERROR, "duplicate-id", item.line(), "id '" + id + "' is used by two clauses."));
                taken.merge(id, 1, Integer::sum);
            } else {
                String base = Ids.clauseId(item.sectionKey(), item.text());
                int n = taken.merge(base, 1, Integer::sum);
                id = n == 1 ? base : base + "-" + n; // the same words twice in one section
            }
            Clause clause = new Clause(id, tier, item.section(), item.text(), item.line(), item.kind(), item.critique(), item.revision(), item.notes());
            if (clause.kind() == Clause.Kind.RULE) {
                Clause earlier = byText.putIfAbsent(Ids.normalise(item.text()), clause);
                if (earlier != null) {
                    problems.add(new Problem(Problem.Severity.WARNING, "duplicate-clause", item.line(),
                            "clause " + id + " repeats clause " + earlier.id() + (earlier.line() > 0 ? " (line " + earlier.line() + ")" : "") + "."));
                }
            }
            clauses.add(clause);
        }
        if (clauses.stream().noneMatch(c -> c.kind() == Clause.Kind.RULE)) {
            throw new InputError(source.name() + " has no clauses: no list items, table rows, principles or rule sentences were found.");
        }
        lint(draft, tiers, clauses, problems);
        String title = draft.title().isEmpty() ? stem(source.path()) : draft.title();
        String text = asWritten.isBlank() ? ConstitutionPrompt.list(title, tiers, clauses) : asWritten;
        return new Result(new Constitution(title, source.path().toString(), source.sha256(), tiers, clauses, text), problems);
    }

    private static void lint(Draft draft, List<Tier> tiers, List<Clause> clauses, List<Problem> problems) {
        Set<List<String>> withClauses = new HashSet<>();
        Map<String, Integer> perTier = new LinkedHashMap<>();
        for (Clause c : clauses) {
            for (int i = 1; i <= c.section().size(); i++) withClauses.add(c.section().subList(0, i));
            if (c.kind() == Clause.Kind.RULE) perTier.merge(c.tier(), 1, Integer::sum);
        }
        for (Draft.Section s : draft.sections()) {
            if (!withClauses.contains(s.path())) {
                problems.add(new Problem(Problem.Severity.WARNING, "empty-section", s.line(), "section '" + s.path().getLast() + "' has no clauses."));
            }
        }
        for (Tier t : tiers) {
            if (!perTier.containsKey(t.id())) {
                problems.add(new Problem(Problem.Severity.WARNING, "empty-tier", 0, "tier '" + t.id() + "' has no clause."));
            }
        }
    }

    private static String abbreviate(String text) {
        return text.length() <= 60 ? text : text.substring(0, 57) + "...";
    }

    private static String stem(Path path) {
        String n = path.getFileName().toString();
        int dot = n.lastIndexOf('.');
        return dot > 0 ? n.substring(0, dot) : n;
    }
}
