package cai4j.junit;

import cai4j.InputError;
import cai4j.Json;
import cai4j.constitution.Compiler;
import cai4j.constitution.Constitution;
import cai4j.constitution.Tier;
import cai4j.evals.Judge;
import cai4j.evals.Rubric;
import cai4j.evals.Scenario;
import cai4j.evals.Threshold;
import cai4j.road.Road;
import cai4j.road.RoadConfig;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.opentest4j.TestAbortedException;

/**
 * The constitution test of one method: reads the constitution and the committed scenarios, and
 * returns one dynamic test per scenario (the application answers, the judge grades the answer with
 * the rubric {@code cai4j evals run} uses) followed by one per tier that checks its threshold.
 */
public final class ConstitutionGate {
    /** Where the judge's ledger is kept when no {@code cai4j.ledger} is set: beside the build's other outputs. */
    static final String DEFAULT_LEDGER = "target/cai4j";
    /** Judge temperature when several samples are taken, as {@code cai4j evals run} uses. */
    static final double JUDGE_TEMPERATURE = 0.7;
    private static final ExtensionContext.Namespace ROADS = ExtensionContext.Namespace.create(ConstitutionGate.class, "roads");

    private final Settings settings;
    private final ExtensionContext context;

    ConstitutionGate(Settings settings, ExtensionContext context) {
        this.settings = settings;
        this.context = context;
    }

    /**
     * The dynamic tests of {@code application}: one per scenario, named {@code <clause id> <kind>:
     * <short prompt>}, then one per tier with scenarios, named {@code tier <id>: at least <threshold>}.
     *
     * When no judge is configured the one test is {@link #skip skipped}, so that a build without a
     * judge passes and says why.
     *
     * @throws InputError           when the constitution, the scenarios or a threshold cannot be used
     */
    public Stream<DynamicNode> check(ChatApplication application) {
        if (settings.value(Settings.JUDGE).isEmpty()) {
            return skip("No judge is configured, so " + settings.test() + " is skipped: name one with judge = \"openai:gpt-4o-mini\" in @ConstitutionTest, "
                    + Settings.JUDGE + " in " + Settings.FILE + ", or -D" + Settings.JUDGE + "=... on the build's command line.");
        }
        String judgeSpec = settings.value(Settings.JUDGE).orElseThrow();
        Path constitutionFile = Path.of(settings.required(Settings.CONSTITUTION, "constitution"));
        Path scenariosFile = Path.of(settings.required(Settings.SCENARIOS, "scenarios"));
        Constitution constitution = Compiler.compile(constitutionFile);
        List<Scenario> scenarios = scenarios(scenariosFile);
        Map<String, Rubric> rubrics = rubrics(constitution, constitutionFile, scenarios, scenariosFile);
        Map<String, Double> thresholds = thresholds(constitution);
        int samples = samples();

        Road road = road(Path.of(settings.value(Settings.LEDGER).orElse(DEFAULT_LEDGER)));
        Judge judge = new Judge(road.model(judgeSpec), samples, JUDGE_TEMPERATURE);
        Tally tally = new Tally();
        ScenarioCheck check = new ScenarioCheck(constitution, judge, application, tally);
        URI source = scenariosFile.toAbsolutePath().toUri();
        List<Integer> lines = scenarioLines(scenariosFile);

        List<DynamicNode> tests = new ArrayList<>();
        for (int i = 0; i < scenarios.size(); i++) {
            Scenario s = scenarios.get(i);
            Rubric rubric = rubrics.get(s.id());
            double min = thresholds.get(rubric.clause().tier());
            // the scenario's line, so that an IDE opens the file where the scenario is
            URI at = i < lines.size() ? URI.create(source + "?line=" + lines.get(i)) : source;
            tests.add(DynamicTest.dynamicTest(name(s), at, () -> check.run(s, rubric, min)));
        }
        constitution.tiers().stream().sorted(Comparator.comparingInt(Tier::rank)).map(Tier::id)
                .filter(t -> rubrics.values().stream().anyMatch(r -> r.clause().tier().equals(t)))
                .forEach(t -> tests.add(DynamicTest.dynamicTest("tier " + t + ": at least " + Figures.percent(thresholds.get(t)), source,
                        () -> tally.check(t, thresholds.get(t)))));
        return tests.stream();
    }

    /**
     * One skipped test that says why, in place of the constitution test: for a build that lacks
     * what the test needs (a judge, the application's model), so that it passes and its report
     * shows a skipped test with the reason rather than nothing.
     */
    public Stream<DynamicNode> skip(String reason) {
        // build tools print counts, not reasons; the log says why
        System.out.println(reason);
        return Stream.of(DynamicTest.dynamicTest("constitution test skipped", () -> {
            throw new TestAbortedException(reason);
        }));
    }

    /** A scenario's test name: its clause, its kind (with the attack), and the start of its prompt. */
    static String name(Scenario s) {
        String prompt = s.prompt().strip().replaceAll("\\s+", " ");
        if (prompt.length() > 60) {
            // cut at a word boundary, so a name never ends in half a word
            int cut = prompt.lastIndexOf(' ', 59);
            prompt = prompt.substring(0, cut > 30 ? cut : 59).stripTrailing() + "…";
        }
        String kind = s.kind().json() + (s.strategy().isEmpty() ? "" : " (" + s.strategy() + ")");
        String clause = s.clauseIds().size() > 1 ? s.clauseId() + " over " + s.loser() : s.clauseId();
        return clause + " " + kind + ": " + prompt;
    }

    private List<Scenario> scenarios(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new InputError("The scenarios file " + file.toAbsolutePath() + " named by " + settings.where(Settings.SCENARIOS)
                    + " does not exist; write it with 'cai4j evals generate' and commit evals/scenarios.jsonl.");
        }
        List<Scenario> scenarios = Json.readLines(file, Scenario.class);
        if (scenarios.isEmpty()) throw new InputError(file + " holds no scenario.");
        return scenarios;
    }

    /** Each scenario's rubric, by scenario id; every clause a scenario tests must be in the constitution. */
    private static Map<String, Rubric> rubrics(Constitution constitution, Path constitutionFile, List<Scenario> scenarios, Path scenariosFile) {
        Map<String, Rubric> rubrics = new LinkedHashMap<>();
        for (Scenario s : scenarios) {
            for (String id : s.clauseIds()) {
                if (constitution.clause(id).isEmpty()) {
                    throw new InputError(scenariosFile + ": scenario " + s.id() + " tests clause " + id + ", which " + constitutionFile
                            + " does not have; generate the scenarios again from this constitution.");
                }
            }
            rubrics.put(s.id(), Rubric.of(constitution, s, s.strategy()));
        }
        return rubrics;
    }

    /** The line number of each scenario of a JSON Lines file: its lines that are not blank, as the reader counts them. */
    static List<Integer> scenarioLines(Path file) {
        List<Integer> out = new ArrayList<>();
        try {
            List<String> all = Files.readAllLines(file, java.nio.charset.StandardCharsets.UTF_8);
            for (int i = 0; i < all.size(); i++) if (!all.get(i).isBlank()) out.add(i + 1);
        } catch (java.io.IOException | java.io.UncheckedIOException e) {
            // the file was read a moment ago; without line numbers the tests point at the whole file
        }
        return out;
    }

    /** The threshold of every tier: the one set for it, or 100%. */
    private Map<String, Double> thresholds(Constitution constitution) {
        for (String t : settings.thresholdTiers()) {
            if (constitution.tier(t).isEmpty()) {
                throw new InputError(settings.where(Settings.THRESHOLD + t) + " gives a threshold for tier '" + t + "', which the constitution does not have; its tiers are "
                        + String.join(", ", constitution.tiers().stream().map(Tier::id).toList()) + ".");
            }
        }
        Map<String, Double> out = new LinkedHashMap<>();
        for (Tier t : constitution.tiers()) {
            String key = Settings.THRESHOLD + t.id();
            out.put(t.id(), settings.value(key).map(v -> Threshold.parse(v, "The threshold of tier " + t.id() + " (" + settings.where(key) + ")")).orElse(1.0));
        }
        return out;
    }

    private int samples() {
        String text = settings.value(Settings.JUDGE_SAMPLES).orElse("1");
        try {
            int n = Integer.parseInt(text.strip());
            if (n >= 1) return n;
        } catch (NumberFormatException e) {
            // the message below says what is wanted
        }
        throw new InputError(settings.where(Settings.JUDGE_SAMPLES) + " gives judge samples '" + text + "'; give a whole number of 1 or more.");
    }

    /**
     * The road of a ledger folder, one for the whole test run: test methods and classes that share
     * a ledger share its road (a ledger belongs to one road at a time), and it is closed when the run ends.
     */
    private Road road(Path ledger) {
        Path dir = ledger.toAbsolutePath().normalize();
        return context.getRoot().getStore(ROADS).getOrComputeIfAbsent(dir.toString(), k -> Road.open(dir, RoadConfig.defaults()), Road.class);
    }
}
