package cai4j.evals;

import cai4j.scheduler.StageProgress;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import cai4j.InputError;
import cai4j.model.ChatRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import cai4j.testmodel.ScriptedModel;

class CalibrationTest {

    @Test
    void readsEveryComparisonOfThePaperSet() {
        List<Calibration.Item> items = Calibration.bundled(0);
        assertThat(items).hasSize(438);
        assertThat(items).extracting(Calibration.Item::correct).contains('A', 'B');
        Calibration.Item first = items.getFirst();
        assertThat(first.prompt(false)).endsWith("The answer is:");
        assertThat(first.prompt(true)).contains("(A) [[[" + first.b() + "]]]");
        assertThat(first.correct(true)).isNotEqualTo(first.correct(false));
    }

    /** Knows which response is better by its text; picks it in either order. */
    static String oracle(List<Calibration.Item> items, ChatRequest r) {
        String p = ScriptedModel.last(r);
        for (Calibration.Item it : items) {
            if (p.contains(it.a()) && p.contains(it.b()) && p.startsWith(it.head().strip())) {
                String better = it.correct() == 'A' ? it.a() : it.b();
                return p.indexOf("(A) [[[" + better + "]]]") >= 0 ? "(A)" : "The answer is (B).";
            }
        }
        return "?";
    }

    @Test
    void perfectJudgeIsAccurateAndUnbiased() {
        List<Calibration.Item> items = Calibration.bundled(40);
        var r = Calibration.run(ScriptedModel.answering("test:judge", q -> oracle(items, q)), items, StageProgress.NONE);
        assertThat(r.items()).isEqualTo(40);
        assertThat(r.accuracy().rate()).isEqualTo(1.0);
        assertThat(r.accuracy().n()).isEqualTo(80);
        assertThat(r.positionBias().count()).isZero();
        assertThat(r.unparseable()).isZero();
    }

    @Test
    void judgeThatAlwaysSaysAIsFullyPositionBiased() {
        List<Calibration.Item> items = Calibration.bundled(30);
        var r = Calibration.run(ScriptedModel.answering("test:judge", q -> "A"), items, StageProgress.NONE);
        assertThat(r.accuracy().rate()).isEqualTo(0.5);
        assertThat(r.positionBias().rate()).isEqualTo(1.0);
        assertThat(r.consistentAccuracy().count()).isZero();
        assertThat(r.firstOption().rate()).isEqualTo(1.0);
    }

    @Test
    void optionProbabilitiesDecideWhenGivenAndUnreadableAnswersAreCounted() {
        List<Calibration.Item> items = Calibration.bundled(10);
        ScriptedModel m = ScriptedModel.answering("test:judge", q -> "I would rather not say", q -> Map.of("A", 0.7, "B", 0.1));
        var r = Calibration.run(m, items, StageProgress.NONE);
        assertThat(r.probabilities()).isEqualTo(20);
        assertThat(r.meanCorrectProbability()).isEqualTo(0.5, org.assertj.core.api.Assertions.within(1e-9));
        assertThat(m.requests).allSatisfy(q -> assertThat(q.options()).containsExactly("A", "B"));
        var none = Calibration.run(ScriptedModel.answering("test:judge", q -> "Both are fine (A) and (B)."), items, StageProgress.NONE);
        assertThat(none.unparseable()).isEqualTo(20);
        assertThat(none.accuracy().n()).isZero();
    }

    @Test
    void answersAreReadInTheirUsualShapes() {
        assertThat(Calibration.choice(" (B)")).hasValue('B');
        assertThat(Calibration.choice("A")).hasValue('A');
        assertThat(Calibration.choice("**A**")).hasValue('A');
        assertThat(Calibration.choice("The answer is: (B)")).hasValue('B');
        assertThat(Calibration.choice("Option B is better")).hasValue('B');
        assterNone(Calibration.choice("As an AI I cannot choose"));
        assterNone(Calibration.choice(""));
    }

    private static void assterNone(java.util.Optional<Character> c) {
        assertThat(c).isEmpty();
    }

    @Test
    void badFileIsAnInputError(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("x.jsonl");
        Files.writeString(f, "{\"prompt\": \"no options\", \"corrects\": [\" (A)\"]}\n");
        assertThatThrownBy(() -> Calibration.read(f, 0)).isInstanceOf(InputError.class).hasMessageContaining("line 1");
        assertThatThrownBy(() -> Calibration.read(dir.resolve("none.jsonl"), 0)).isInstanceOf(InputError.class);
    }
}
