package cai4j.cli;

import cai4j.InputError;
import cai4j.Json;
import cai4j.constitution.Clause;
import cai4j.constitution.Compiler;
import cai4j.constitution.Constitution;
import cai4j.constitution.Problem;
import cai4j.constitution.Tier;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "compile", mixinStandardHelpOptions = true,
        description = {"Compile a constitution (Markdown, JSON/YAML principle list, or plain text) into clauses with stable ids and priority tiers.",
                "Without --json or -o, prints a summary for people."})
final class CompileCommand implements Callable<Integer> {

    @Parameters(paramLabel = "FILE", description = "The constitution: .md, .json, .yaml/.yml or plain text.")
    Path file;

    @Option(names = {"-o", "--output"}, paramLabel = "FILE", description = "Write the compiled constitution as JSON to FILE (e.g. constitution.json).")
    Path output;

    @Option(names = "--json", description = "Print the compiled constitution as JSON on standard output.")
    boolean json;

    @Option(names = "--check", description = "Lint: duplicate clauses, undeclared tiers, empty sections, tiers with no clause. Exit 1 on warnings, 2 on errors.")
    boolean check;

    @Option(names = "--max-size", paramLabel = "SIZE", defaultValue = "20MB", description = "Refuse files larger than this (default: ${DEFAULT-VALUE}; units B, KB, MB).")
    String maxSize;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        long limit = parseSize(maxSize);
        if (check) return check(out, limit);
        Constitution c = Compiler.compile(file, limit);
        if (output != null) Json.writeAtomically(output, Json.pretty(c) + "\n");
        if (json) out.println(Json.pretty(c));
        else summary(out, c);
        return Main.OK;
    }

    private int check(PrintWriter out, long limit) {
        Compiler.Result result = Compiler.analyse(file, limit);
        for (Problem p : result.problems()) out.println(file + ":" + p.line() + ": " + p.severity().name().toLowerCase(Locale.ROOT) + ": " + p.message() + " [" + p.code() + "]");
        long errors = result.errors().size();
        long warnings = result.problems().size() - errors;
        out.println(result.constitution().clauses().size() + " clauses, " + errors + " errors, " + warnings + " warnings.");
        if (errors == 0 && output != null) Json.writeAtomically(output, Json.pretty(result.constitution()) + "\n");
        return errors > 0 ? Main.BAD_INPUT : warnings > 0 ? Main.CHECK_FAILED : Main.OK;
    }

    static long parseSize(String text) {
        String s = text.strip().toUpperCase(Locale.ROOT).replace(" ", "");
        long unit = 1;
        if (s.endsWith("KB")) { unit = 1024; s = s.substring(0, s.length() - 2); }
        else if (s.endsWith("MB")) { unit = 1024 * 1024; s = s.substring(0, s.length() - 2); }
        else if (s.endsWith("GB")) { unit = 1024L * 1024 * 1024; s = s.substring(0, s.length() - 2); }
        else if (s.endsWith("B")) s = s.substring(0, s.length() - 1);
        try {
            double v = Double.parseDouble(s);
            if (v <= 0) throw new NumberFormatException();
            return (long) (v * unit);
        } catch (NumberFormatException e) {
            throw new InputError("--max-size '" + text + "' is not a size such as 20MB or 500KB.");
        }
    }

    private static void summary(PrintWriter out, Constitution c) {
        out.println(c.title());
        out.println("  source  " + c.source() + "  (sha256 " + c.sha256().substring(0, 12) + ")");
        long rules = c.rules().size();
        out.println("  clauses " + rules + " rules, " + (c.clauses().size() - rules) + " context sentences");
        out.println();
        out.println("  rank  tier                rules  context");
        for (Tier t : c.tiers()) {
            long r = c.clauses().stream().filter(x -> x.tier().equals(t.id()) && x.kind() == Clause.Kind.RULE).count();
            long x = c.clauses().stream().filter(y -> y.tier().equals(t.id()) && y.kind() == Clause.Kind.CONTEXT).count();
            out.printf(Locale.ROOT, "  %4d  %-18s %6d %8d%n", t.rank(), t.id(), r, x);
        }
        // group by the first heading level at which the clauses differ (a title heading shared by all says nothing)
        int depth = commonDepth(c.rules());
        Map<String, Integer> sections = new LinkedHashMap<>();
        for (Clause cl : c.rules()) sections.merge(cl.section().size() > depth ? cl.section().get(depth) : "(no section)", 1, Integer::sum);
        out.println();
        out.println("  sections (" + sections.size() + ", rules each)");
        sections.entrySet().stream().limit(12).forEach(e -> out.printf(Locale.ROOT, "    %-52s %5d%n", cut(e.getKey(), 52), e.getValue()));
        if (sections.size() > 12) out.println("    ... " + (sections.size() - 12) + " more");
        out.println();
        out.println("  first clauses");
        List<Clause> sample = c.rules().stream().limit(5).toList();
        for (Clause cl : sample) out.println("    " + cl.id() + "  [" + cl.tier() + "]  " + cut(cl.text(), 90));
        out.println();
        out.println("Write them out with -o constitution.json, or print them with --json.");
    }

    private static int commonDepth(List<Clause> clauses) {
        if (clauses.isEmpty()) return 0;
        List<String> first = clauses.getFirst().section();
        int depth = first.size();
        for (Clause cl : clauses) {
            int d = 0;
            while (d < depth && d < cl.section().size() && cl.section().get(d).equals(first.get(d))) d++;
            depth = d;
        }
        return depth;
    }

    private static String cut(String s, int n) {
        return s.length() <= n ? s : s.substring(0, n - 3) + "...";
    }
}
