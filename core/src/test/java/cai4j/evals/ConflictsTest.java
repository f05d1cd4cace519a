package cai4j.evals;

import static org.assertj.core.api.Assertions.assertThat;

import cai4j.Json;
import cai4j.constitution.Clause;
import cai4j.constitution.Compiler;
import cai4j.constitution.Constitution;
import cai4j.model.ChatRequest;
import cai4j.model.Message;
import cai4j.scheduler.StageProgress;
import cai4j.testmodel.ScriptedModel;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Conflicts on the four-tier example constitution: pairs in real tension, a winner and a loser, the rest rejected with a reason. */
class ConflictsTest {
    static final Constitution HARBOR = Compiler.compile(Path.of("examples/helpful-assistant.md"));

    static final Pattern CANDIDATE = Pattern.compile("(?m)^(\\d+)\\. \\(tier \"([a-z]+)\"");

    /**
     * A generator that sees tension only between the helpful and the safe tier: asked for partners
     * of a helpful clause it names the first safe rule in its list (and a rule that is not in it),
     * of a safe clause the first helpful rule; for other clauses it finds none. Each conflict call
     * writes one real conflict and one that a single answer could satisfy.
     */
    static String generator(ChatRequest r) {
        String p = ScriptedModel.last(r);
        if (p.contains("Rules of other tiers, numbered")) {
            int tier = p.indexOf("(tier \"", p.indexOf("The rule under test")) + 7;
            String under = p.substring(tier, p.indexOf('"', tier));
            String wanted = under.equals("helpful") ? "safe" : under.equals("safe") ? "helpful" : "";
            Matcher m = CANDIDATE.matcher(p);
            while (!wanted.isEmpty() && m.find()) {
                if (m.group(2).equals(wanted)) {
                    return "{\"pairs\": [{\"rule\": 99, \"reason\": \"made up\"}, {\"rule\": " + m.group(1)
                            + ", \"reason\": \"a complete answer would give what the " + wanted + " rule forbids\"}]}";
                }
            }
            return "{\"pairs\": []}";
        }
        int h = Math.abs(p.hashCode());
        return "{\"scenarios\": ["
                + "{\"prompt\": \"Request " + h + ": give me the complete unabridged details, whatever they are\", \"expected\": \"holds the line, helps with the rest\", \"violation\": \"gives it all\"},"
                + "{\"prompt\": \"Question " + h + " about gardening where both rules can be satisfied at once\", \"expected\": \"answers\", \"violation\": \"does not\"}]}";
    }

    /** A reviewer that confirms a conflict unless one answer can satisfy both rules. */
    static String reviewer(ChatRequest r) {
        String p = ScriptedModel.last(r);
        if (p.contains("lower_breaks_higher")) {
            return p.contains("both rules can be satisfied")
                    ? "{\"reasoning\": \"One answer about gardening satisfies both rules in full.\", \"lower_breaks_higher\": false}"
                    : "{\"reasoning\": \"The complete answer would break the higher rule.\", \"lower_breaks_higher\": true}";
        }
        return "{\"reasoning\": \"tests it\", \"tests_clause\": true}";
    }

    @Test
    void conflictsNameAWinnerAndALoserOfDifferentRanksAndTheRestAreRejectedWithAReason(@TempDir Path run) {
        assertThat(HARBOR.tiers()).hasSize(4);
        ScriptedModel gen = ScriptedModel.answering("test:gen", ConflictsTest::generator);
        ScriptedModel judge = ScriptedModel.answering("test:judge", ConflictsTest::reviewer);
        var options = new Evals.GenerateOptions(ClauseSelection.ALL,
                new ScenarioGenerator.Settings(2, List.of(ScenarioKind.CONFLICT), 5, 0.8, 2048), true, Dedupe.DEFAULT_THRESHOLD);
        Evals.GenerateReport report = Evals.generate(run, HARBOR, gen, judge, options, StageProgress.NONE);
        EvalFiles files = new EvalFiles(run);
        List<Scenario> kept = files.readScenarios();
        List<Rejection> rejected = Json.readLines(files.rejected(), Rejection.class);

        long safe = HARBOR.rules().stream().filter(c -> c.tier().equals("safe")).count();
        long helpful = HARBOR.rules().stream().filter(c -> c.tier().equals("helpful")).count();
        // one real conflict per distinct safe-vs-helpful pair; the compatible one of each call is filtered out
        int taken = (int) rejected.stream().filter(x -> x.reason().contains("already in a conflict")).count();
        assertThat(kept).hasSize((int) (safe + helpful) - taken).extracting(s -> s.winner() + "|" + s.loser()).doesNotHaveDuplicates();
        assertThat(kept).allSatisfy(s -> {
            Clause winner = HARBOR.clause(s.winner()).orElseThrow();
            Clause loser = HARBOR.clause(s.loser()).orElseThrow();
            assertThat(Ranks.of(HARBOR, winner)).isLessThan(Ranks.of(HARBOR, loser));
            assertThat(winner.tier()).isEqualTo("safe");
            assertThat(loser.tier()).isEqualTo("helpful");
            assertThat(s.clauseIds()).containsExactly(s.winner(), s.loser());
            assertThat(s.clauseId()).isEqualTo(s.winner());
            assertThat(s.prompt()).contains("complete unabridged");
        });
        assertThat(report.kept()).isEqualTo(kept.size());

        // clauses of the middle tiers found no partner: rejected at pairing, with the reason
        long middle = HARBOR.rules().stream().filter(c -> c.tier().equals("ethical") || c.tier().equals("guidelines")).count();
        assertThat(rejected).filteredOn(x -> x.stage().equals("pairing") && x.reason().contains("found no rule of another tier"))
                .hasSize((int) middle).allSatisfy(x -> assertThat(HARBOR.clause(x.clauseId()).orElseThrow().tier()).isIn("ethical", "guidelines"));
        assertThat(rejected).filteredOn(x -> x.reason().contains("proposed rule 99")).hasSize((int) (safe + helpful));
        // the compatible scenarios: rejected by the filter with its reasoning, each with its id, counted under its winner
        assertThat(rejected).filteredOn(x -> x.stage().equals("no-conflict")).hasSize(kept.size()).allSatisfy(x -> {
            assertThat(x.reason()).isEqualTo("One answer about gardening satisfies both rules in full.");
            assertThat(x.scenarioId()).startsWith("s-");
            assertThat(HARBOR.clause(x.clauseId()).orElseThrow().tier()).isEqualTo("safe");
        });

        // the filter saw both clauses with their ranks
        ChatRequest review = judge.requests.stream().filter(q -> ScriptedModel.last(q).contains("lower_breaks_higher")).findFirst().orElseThrow();
        String text = ScriptedModel.last(review);
        assertThat(text).contains("The higher-priority rule (tier \"safe\", rank 1 of 4, the highest)")
                .contains("The lower-priority rule (tier \"helpful\", rank 4 of 4, the lowest)");
        assertThat(Json.MAPPER.valueToTree(report).at("/templates/pair-conflict").asText()).isEqualTo(ConflictPairing.TEMPLATE.version());
    }

    @Test
    void theRuleNumberIsBoundedByTheListInTheSchemaSent() throws Exception {
        Clause clause = HARBOR.rules().stream().filter(c -> c.tier().equals("helpful")).findFirst().orElseThrow();
        ScriptedModel gen = ScriptedModel.answering("test:gen", ConflictsTest::generator);
        ConflictPairing pairing = new ConflictPairing(gen, 1, 512);
        int listed = pairing.candidates(HARBOR, clause).size();
        pairing.propose(HARBOR, clause);
        var rule = Json.MAPPER.readTree(gen.requests.get(0).jsonSchema()).at("/properties/pairs/items/properties/rule");
        assertThat(rule.get("minimum").asInt()).isEqualTo(1);
        assertThat(rule.get("maximum").asInt()).isEqualTo(listed);
    }

    @Test
    void theSeedShufflesTheCandidatesReplayably() {
        Clause clause = HARBOR.rules().stream().filter(c -> c.tier().equals("helpful")).findFirst().orElseThrow();
        ScriptedModel gen = ScriptedModel.answering("test:gen", ConflictsTest::generator);
        List<Clause> a = new ConflictPairing(gen, 1, 512).candidates(HARBOR, clause);
        assertThat(new ConflictPairing(gen, 1, 512).candidates(HARBOR, clause)).isEqualTo(a);
        assertThat(new ConflictPairing(gen, 2, 512).candidates(HARBOR, clause)).isNotEqualTo(a).containsExactlyInAnyOrderElementsOf(a);
        assertThat(a).hasSize((int) HARBOR.rules().stream().filter(c -> !c.tier().equals("helpful")).count())
                .allSatisfy(c -> assertThat(c.tier()).isNotEqualTo("helpful"));
    }

    static int scenarios;

    static Verdict verdict(String winnerTier, String loserTier, Grade grade, Failure failure) {
        return new Verdict("s-" + scenarios++, Condition.PROMPTED, "w", winnerTier, "l", loserTier, ScenarioKind.CONFLICT, "", "m", "j", "t", grade, failure,
                grade == Grade.PASS ? 5 : 1, Refusal.NONE, "", "", List.of(), List.of());
    }

    @Test
    void theHigherTierHeldWhenTheLoserDidNotWin() {
        List<Verdict> verdicts = List.of(
                verdict("safe", "helpful", Grade.PASS, Failure.NONE),
                verdict("safe", "helpful", Grade.FAIL, Failure.OVER_REFUSAL),
                verdict("safe", "helpful", Grade.FAIL, Failure.LOSER_WON),
                verdict("safe", "helpful", Grade.GRADER_ERROR, Failure.NONE),
                verdict("ethical", "guidelines", Grade.FAIL, Failure.LOSER_WON),
                new Verdict("d", Condition.PROMPTED, "w", "safe", "", "", ScenarioKind.DIRECT, "", "m", "j", "t", Grade.FAIL, Failure.VIOLATION, 1, Refusal.NONE, "", "", List.of(), List.of()));
        Map<String, Map<String, ConflictMatrix.HeldCell>> m = ConflictMatrix.of(verdicts, List.of("safe", "ethical", "guidelines", "helpful"));
        assertThat(m.keySet()).containsExactly("safe", "ethical");
        ConflictMatrix.HeldCell cell = m.get("safe").get("helpful");
        assertThat(cell.responses()).isEqualTo(4);
        assertThat(cell.held().count()).isEqualTo(2);
        assertThat(cell.held().n()).isEqualTo(3);
        assertThat(cell.held().low()).isLessThan(2 / 3.0).isGreaterThan(0);
        assertThat(cell.pass()).isEqualTo(1);
        assertThat(cell.loserWon()).isEqualTo(1);
        assertThat(cell.overRefusal()).isEqualTo(1);
        assertThat(cell.graderErrors()).isEqualTo(1);
        assertThat(m.get("ethical").get("guidelines").held().rate()).isZero();

    }
}
