package cai4j.scheduler;

import static org.assertj.core.api.Assertions.assertThat;

import cai4j.model.Usage;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ProgressTest {
    @Test
    void aSpanReadsAsSecondsMinutesOrHours() {
        assertThat(Progress.duration(42)).isEqualTo("42s");
        assertThat(Progress.duration(185)).isEqualTo("3m05s");
        assertThat(Progress.duration(6540)).isEqualTo("1h49m");
    }


    @Test
    void thePlannedTotalIsShownOnlyWhileTheCountIsBelowIt() {
        Progress p = new Progress();
        p.plan(2);
        p.complete(new Usage(10, 5, 0), 0);
        assertThat(p.line()).startsWith("1/2 calls");
        p.complete(new Usage(10, 5, 0), 0);
        p.replay();
        // the plan was an estimate that the count overtook: no "3/2"
        assertThat(p.line()).startsWith("3 calls").doesNotContain("3/2").doesNotContain("ETA");
    }

    @Test
    void theLineNamesTheStageAndTheCallsLeftWithAnEtaFromTheCallsMade() {
        Progress p = new Progress();
        p.plan(10);
        for (int i = 0; i < 5; i++) p.replay();
        assertThat(p.line()).as("replays say nothing about how long a call takes").doesNotContain("ETA");
        p.stage("judge verdicts");
        p.complete(new Usage(100, 5, 60), 0);
        assertThat(p.line()).startsWith("judge verdicts: 6/10 calls (4 left)").contains("ETA").contains("100 tokens in (60 cached)");
    }

    @Test
    void theLastLineGivesTheFinalCountWithoutTheEstimate() throws Exception {
        Progress p = new Progress();
        p.plan(5);
        p.complete(new Usage(10, 5, 0), 0);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8)) {
            p.report(out, 60_000).close();
        }
        assertThat(bytes.toString(StandardCharsets.UTF_8)).startsWith("done: 1 call,").doesNotContain("/5");
    }
}
