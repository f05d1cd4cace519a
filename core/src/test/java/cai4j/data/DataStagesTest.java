package cai4j.data;

import cai4j.scheduler.StageProgress;
import static cai4j.testmodel.ScriptedModel.text;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import cai4j.Json;
import cai4j.evals.ScriptedGenerator;
import cai4j.model.ModelException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import cai4j.testmodel.ScriptedModel;
import cai4j.evals.RubricJudge;

class DataStagesTest {
    @TempDir Path run;
    @TempDir Path in;

    DataStages.Prompts prompts(int n) throws Exception {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < n; i++) sb.append("{\"prompt\": \"question ").append(i).append("\"}\n");
        Path f = in.resolve("p.jsonl");
        Files.writeString(f, sb.toString());
        return DataStages.Prompts.read(f, false, 0);
    }

    @Test
    void sftWritesRecordsInPromptOrderAndAMetaFile() throws Exception {
        ScriptedModel target = new ScriptedModel("openai:t", r -> text("answer to " + r.messages().getLast().content()));
        // every rule is relevant to every prompt ("" is in every rule's text)
        ScriptedModel gen = new ScriptedModel("openai:g", r -> text(java.util.Objects.requireNonNullElse(ScriptedGenerator.relevant(ScriptedModel.last(r), ""), "better")));
        List<String> progress = new java.util.concurrent.CopyOnWriteArrayList<>();
        DataRun.Result r = DataStages.sft(run, Fixtures.constitution(), prompts(20), target, gen, RubricJudge.lenientJudge(),
                CritiqueRevision.Settings.defaults(), (s, d, t) -> progress.add(s + " " + d + "/" + t));

        assertThat(r.file()).isEqualTo(run.resolve("data/sft.jsonl"));
        List<SftRecord> rs = Json.readLines(r.file(), SftRecord.class);
        assertThat(rs).hasSize(20);
        assertThat(rs).extracting(SftRecord::initPrompt).containsExactly(java.util.stream.IntStream.range(0, 20).mapToObj(i -> "question " + i).toArray(String[]::new));
        assertThat(Files.readString(r.file())).contains("\"init_prompt\"", "\"revision_response\"", "\"clause_ids\"");
        assertThat(run.resolve("data/sft.jsonl.part")).doesNotExist();
        assertThat(run.resolve("constitution.json")).exists();
        assertThat(progress).contains("sft 0/20", "sft 20/20");

        DataMeta meta = Json.MAPPER.readValue(DataRun.metaFile(run, Kind.SFT).toFile(), DataMeta.class);
        assertThat(meta.records()).isEqualTo(20);
        assertThat(meta.constitution().sha256()).isEqualTo("abc123");
        assertThat(meta.models()).containsEntry("target", "openai:t").containsEntry("generator", "openai:g");
        assertThat(meta.templates()).containsKey("sft-revision");
        assertThat(meta.inputs()).containsEntry("prompts", "p.jsonl");
        assertThat(meta.principles().values().stream().mapToInt(Integer::intValue).sum()).isEqualTo(20);
        // per prompt: relevance, answer, critique, revision, and the judge on the revision and on the answer
        assertThat(meta.usage().inputTokens()).isEqualTo(120 * 10);
    }

    @Test
    void aFinalProviderErrorStopsTheRunAndLeavesNoTornFile() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        ScriptedModel target = new ScriptedModel("openai:t", r -> {
            if (calls.incrementAndGet() == 5) throw ModelException.finalError(401, "openai refused the API key (401): set OPENAI_API_KEY.");
            return text("fine");
        });
        assertThatThrownBy(() -> DataStages.distill(run, Fixtures.constitution(), prompts(30), target, RubricJudge.lenientJudge(),
                new ContextDistillation.Settings(List.of(), 0, 100, 2), StageProgress.NONE))
                .isInstanceOf(ModelException.class).hasMessageContaining("401");
        assertThat(run.resolve("data/distill.jsonl")).doesNotExist();
        // what finished before the error is on disk, in whole lines
        String part = Files.readString(run.resolve("data/distill.jsonl.part"));
        assertThat(part.isEmpty() || part.endsWith("\n")).isTrue();
        assertThat(Json.readLines(run.resolve("data/distill.jsonl.part"), DistillRecord.class)).hasSizeLessThan(30)
                .allSatisfy(d -> assertThat(d.response()).isEqualTo("fine"));
    }

    @Test
    void everyStageWritesItsFile() throws Exception {
        ScriptedModel t = new ScriptedModel("openai:t", r -> ScriptedGenerator.relevant(ScriptedModel.last(r), "") != null
                ? text(ScriptedGenerator.relevant(ScriptedModel.last(r), ""))
                : r.options().isEmpty()
                ? text(r.jsonSchema().isEmpty() ? "sample " + r.sampleIndex() : "{\"question\":\"q\",\"answer\":\"a\",\"clause_ids\":[]}")
                : ScriptedModel.options("A", 0.7, 0.3));
        DataStages.prefs(run, Fixtures.constitution(), prompts(3), t, t, FeedbackPrinciple.of(Fixtures.constitution()),
                FeedbackLabeling.Settings.defaults(), StageProgress.NONE);
        DataStages.understand(run, Fixtures.constitution(), DataStages.Prompts.none(), t, RubricJudge.lenientJudge(), Understanding.Settings.defaults(), 4, StageProgress.NONE);
        assertThat(Json.readLines(DataRun.file(run, Kind.PREFS), PreferenceRecord.class)).hasSize(3)
                .allSatisfy(p -> {
                    // a judge that always says A has no preference: a tie at every tier
                    assertThat(p.softLabel()).isEqualTo(0.5);
                    assertThat(p.tie()).isTrue();
                });
        DataMeta meta = Json.MAPPER.readValue(DataRun.metaFile(run, Kind.PREFS).toFile(), DataMeta.class);
        assertThat(meta.settings()).containsEntry("min_option_mass", 0.5).containsEntry("tie_margin", 0.05).containsEntry("aggregation", "tier-first");
        assertThat(meta.counts()).containsEntry("ties (no tier preferred either response)", 3);
        assertThat(Json.readLines(DataRun.file(run, Kind.UNDERSTAND), UnderstandRecord.class)).hasSize(4);
    }
}
