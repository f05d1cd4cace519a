package cai4j.export;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import cai4j.InputError;
import cai4j.Json;
import cai4j.data.Kind;
import com.fasterxml.jackson.databind.JsonNode;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import dev.hardwood.InputFile;
import dev.hardwood.reader.ParquetFileReader;
import dev.hardwood.reader.RowReader;
import dev.hardwood.row.PqList;
import dev.hardwood.row.PqStruct;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ExportFormatsTest {
    @TempDir static Path dir;
    static Path run;

    @BeforeAll
    static void makeRun() throws Exception {
        run = TestRun.make(dir, 40);
    }

    static Schema schema(String format) throws Exception {
        try (InputStream in = ExportFormatsTest.class.getResourceAsStream("/cai4j/export/schemas/" + format + ".json")) {
            return SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12).getSchema(in);
        }
    }

    static List<JsonNode> lines(Path f) throws Exception {
        List<JsonNode> out = new ArrayList<>();
        for (String line : Files.readAllLines(f)) out.add(Json.MAPPER.readTree(line));
        return out;
    }

    static Exporter.Result export(String format, double split, Optional<Path> out, Kind... kinds) {
        return Exporter.export(new Exporter.Request(run, ExportFormats.get(format), Set.of(kinds), out, Filters.defaults(), new Split(split)));
    }

    @ParameterizedTest
    @ValueSource(strings = {"openai-sft", "openai-dpo", "trl-sft", "trl-dpo", "reward", "jsonl"})
    void everyJsonLinesFormatValidatesAgainstItsSchema(String format) throws Exception {
        Exporter.Result r = export(format, 0.2, Optional.empty());
        Schema schema = schema(format);
        List<JsonNode> all = new ArrayList<>(lines(r.train()));
        all.addAll(lines(r.test().orElseThrow()));
        assertThat(all).isNotEmpty();
        assertThat(all.size()).isEqualTo(r.counts().get("train") + r.counts().get("test"));
        for (JsonNode line : all) assertThat(schema.validate(line)).as(line.toString()).isEmpty();
        if (format.endsWith("-sft")) {
            // a chat example ends with the assistant's answer, which is what is trained on
            assertThat(all).allSatisfy(l -> assertThat(l.get("messages").get(l.get("messages").size() - 1).get("role").asText()).isEqualTo("assistant"));
        }
        if (format.endsWith("-dpo")) {
            assertThat(all).allSatisfy(l -> assertThat(l.toString()).doesNotContain("\"chosen\":[]"));
        }
    }

    @Test
    void theSchemasCatchABrokenLine() throws Exception {
        assertThat(schema("openai-dpo").validate(Json.MAPPER.readTree("{\"input\":{\"messages\":[]},\"preferred_output\":[{\"role\":\"user\",\"content\":\"x\"}]}"))).isNotEmpty();
        assertThat(schema("trl-dpo").validate(Json.MAPPER.readTree("{\"prompt\":\"text\",\"chosen\":[],\"rejected\":[]}"))).isNotEmpty();
    }

    @Test
    void chatFormatsTakeSftDistillAndUnderstandingByDefault() throws Exception {
        Exporter.Result r = export("openai-sft", 0, Optional.empty());
        assertThat(r.counts()).containsEntry("train/sft", 40).containsEntry("train/distill", 40).containsKey("train/understand");
        assertThat(r.test()).isEmpty();
        String text = Files.readString(r.train());
        assertThat(text).contains("A kinder answer to: question number 7")
                .doesNotContain(Json.write(cai4j.constitution.ConstitutionPrompt.render(TestRun.constitution())).replaceAll("^\"|\"$", ""));
    }

    @Test
    void noExportedTextCarriesAClauseId() throws Exception {
        // the scripted generator cites [safe-1] in its understanding answers; the record quotes the clause instead
        for (String format : List.of("trl-sft", "openai-sft", "trl-dpo", "openai-dpo")) {
            Exporter.Result r = export(format, 0, Optional.of(dir.resolve("ids/" + format + ".jsonl")));
            String text = Files.readString(r.train());
            for (var c : TestRun.constitution().clauses()) assertThat(text).as(format).doesNotContain(c.id());
        }
        String sft = Files.readString(export("trl-sft", 0, Optional.of(dir.resolve("ids/understand.jsonl"))).train());
        assertThat(sft).contains("It means care \u201cDo not help with violence.\u201d");
    }

    @Test
    void preferenceFormatsCarryTheChosenSample() throws Exception {
        Exporter.Result r = export("trl-dpo", 0, Optional.of(dir.resolve("out/prefs.jsonl")));
        assertThat(r.train()).isEqualTo(dir.resolve("out/prefs.jsonl"));
        List<JsonNode> ls = lines(r.train());
        // 40 prompts, of which the 8 ties (every fifth) are no preference pair
        assertThat(ls).hasSize(32).allSatisfy(l -> {
            assertThat(l.get("chosen").get(0).get("content").asText()).startsWith("answer 1 to");
            assertThat(l.get("rejected").get(0).get("content").asText()).startsWith("answer 0 to");
            assertThat(l.get("prompt").get(0).get("role").asText()).isEqualTo("user");
            assertThat(l.get("score").asDouble()).isEqualTo(0.75);
        });
        assertThat(r.dropped()).containsEntry(Filters.TIE, 8);
        // critique-revision pairs can be asked for too
        Exporter.Result both = export("openai-dpo", 0, Optional.of(dir.resolve("out2/train.jsonl")), Kind.SFT, Kind.PREFS);
        assertThat(both.counts()).containsEntry("train/sft", 40).containsEntry("train/prefs", 32);
        assertThat(both.dropped()).containsEntry(Filters.TIE, 8);
    }

    @Test
    void theSplitIsByPromptAndStable() throws Exception {
        Exporter.Result a = export("jsonl", 0.25, Optional.of(dir.resolve("s1/train.jsonl")));
        Exporter.Result b = export("jsonl", 0.25, Optional.of(dir.resolve("s2/train.jsonl")));
        assertThat(a.test()).contains(dir.resolve("s1/test.jsonl"));
        assertThat(Files.readString(a.test().orElseThrow())).isEqualTo(Files.readString(b.test().orElseThrow()));
        int test = a.counts().get("test"), all = test + a.counts().get("train");
        assertThat(test).isBetween(1, all - 1);
        Set<String> trainPrompts = new HashSet<>(), testPrompts = new HashSet<>();
        for (JsonNode l : lines(a.train())) trainPrompts.add(l.get("prompt").toString());
        for (JsonNode l : lines(a.test().orElseThrow())) testPrompts.add(l.get("prompt").toString());
        testPrompts.retainAll(trainPrompts);
        assertThat(testPrompts).isEmpty();
    }

    @Test
    void parquetIsReadBackByAnIndependentReader() throws Exception {
        Exporter.Result r = export("parquet", 0.1, Optional.empty());
        assertThat(r.train()).isEqualTo(run.resolve("export/parquet/train.parquet"));
        assertThat(Files.readAllBytes(r.train())).startsWith('P', 'A', 'R', '1');
        // the same rows, filters and split as the JSON Lines export of every column
        List<JsonNode> expected = lines(export("jsonl", 0.1, Optional.of(dir.resolve("pq-check/train.jsonl"))).train());
        List<JsonNode> read = new ArrayList<>();
        try (ParquetFileReader reader = ParquetFileReader.open(InputFile.of(r.train()));
             RowReader rows = reader.rowReader()) {
            assertThat(reader.getFileMetaData().numRows()).isEqualTo(r.counts().get("train").longValue());
            while (rows.hasNext()) {
                rows.next();
                var node = Json.MAPPER.createObjectNode();
                node.put("id", rows.getString("id"));
                node.put("kind", rows.getString("kind"));
                for (String f : List.of("prompt", "messages", "chosen", "rejected")) node.set(f, messages(rows.getList(f)));
                if (!rows.isNull("score")) node.put("score", rows.getDouble("score"));
                node.set("clause_ids", Json.MAPPER.valueToTree(rows.getList("clause_ids").strings()));
                node.put("model", rows.getString("model"));
                read.add(node);
            }
        }
        assertThat(read).hasSize(expected.size());
        for (int i = 0; i < read.size(); i++) {
            var want = (com.fasterxml.jackson.databind.node.ObjectNode) expected.get(i).deepCopy();
            want.remove("group");
            assertThat(read.get(i)).isEqualTo(want);
        }
        // the soft label is kept, ties with their 0.5
        assertThat(read).filteredOn(n -> n.has("score")).extracting(n -> n.get("score").asDouble()).isNotEmpty().containsOnly(0.75, 0.5).contains(0.5);
    }

    private static JsonNode messages(PqList list) {
        var arr = Json.MAPPER.createArrayNode();
        for (PqStruct s : list.structs()) arr.addObject().put("role", s.getString("role")).put("content", s.getString("content"));
        return arr;
    }

    @Test
    void theDatasetCardTellsWhereTheDataCameFrom() throws Exception {
        Exporter.Result r = export("trl-sft", 0.1, Optional.empty());
        String card = Files.readString(r.card());
        assertThat(r.card()).isEqualTo(run.resolve("export/trl-sft/README.md"));
        assertThat(card).startsWith("---\nconfigs:\n- config_name: default\n  data_files:\n  - split: train\n    path: train.jsonl\n  - split: test\n    path: test.jsonl\n");
        assertThat(card).contains("# Kind assistant — trl-sft export")
                .contains("sha256 `c0ffee`")
                .contains("| sft | 40 | generator | `openai:scripted` |")
                .contains("| `safe-1` |")
                .contains("exact duplicates removed")
                .contains("`sft-revision@")
                .contains("| train | all | " + r.counts().get("train") + " |");
    }

    @Test
    void tiesKeepTheirLabelWhereEveryRowIsKeptAndAreNeverAPreferencePair() throws Exception {
        List<JsonNode> all = lines(export("jsonl", 0, Optional.of(dir.resolve("ties/all.jsonl")), Kind.PREFS).train());
        assertThat(all).hasSize(40).filteredOn(l -> l.get("score").asDouble() == 0.5).hasSize(8)
                .allSatisfy(l -> assertThat(l.get("messages").toString()).contains("question number"));
        Exporter.Result reward = export("reward", 0, Optional.of(dir.resolve("ties/reward.jsonl")));
        List<JsonNode> pairs = lines(reward.train());
        assertThat(pairs).hasSize(32).allSatisfy(l -> {
            // whole conversations: the prompt, then the answer
            assertThat(l.get("chosen").get(0).get("role").asText()).isEqualTo("user");
            assertThat(l.get("chosen").get(1).get("content").asText()).startsWith("answer 1 to");
            assertThat(l.get("rejected").get(1).get("content").asText()).startsWith("answer 0 to");
            assertThat(l.get("score").asDouble()).isEqualTo(0.75);
        });
        assertThat(reward.dropped()).containsEntry(Filters.TIE, 8);
    }

    @Test
    void theDatasetCardSaysHowPreferenceLabelsWereMade() throws Exception {
        String dpo = Files.readString(export("trl-dpo", 0, Optional.of(dir.resolve("card-dpo/train.jsonl"))).card());
        assertThat(dpo).contains("## How the preference labels were made")
                .contains("drawn from the clauses each prompt touches")
                .contains("Tier-first: the highest tier whose principles preferred one response (their mean probability at least 0.05 away from 0.5)")
                .contains("left out of this export")
                .contains("used only when P(A) + P(B) was at least 0.5")
                .contains("40 labels by option-probabilities").contains("32 labels decided by tier safe").contains("8 ties (no tier preferred either response)")
                .contains("ties (soft label 0.5: no tier preferred either response) are never exported as preference pairs");
        String rows = Files.readString(export("jsonl", 0, Optional.of(dir.resolve("card-rows/train.jsonl")), Kind.PREFS).card());
        assertThat(rows).contains("kept in this export with score 0.5");
    }

    @Test
    void aUsersReadmeIsNeverOverwritten() throws Exception {
        Path out = dir.resolve("mine");
        Files.createDirectories(out);
        Files.writeString(out.resolve("README.md"), "my own notes");
        Exporter.Result r = export("openai-sft", 0, Optional.of(out.resolve("data.jsonl")));
        assertThat(Files.readString(out.resolve("README.md"))).isEqualTo("my own notes");
        assertThat(r.card()).isEqualTo(out.resolve("data.card.md"));
    }

    @Test
    void filtersDropDuplicatesShortAnswersAndWeakLabels() {
        Row a = row("1", "hello there", 0.9), dup = row("2", "hello there", 0.9), shortOne = row("3", "hi", 0.9), weak = row("4", "a fine answer", 0.55);
        Filters.Outcome o = new Filters(true, 5, 0, 0.6).apply(List.of(a, dup, shortOne, weak), true);
        assertThat(o.kept()).containsExactly(a);
        assertThat(o.dropped()).containsEntry("duplicate", 1).containsEntry("answer shorter than 5 characters", 1).containsEntry("soft label below 0.6", 1);
        assertThat(new Filters(false, 0, 20, 0).apply(List.of(a, row("5", "x".repeat(50), 0.9)), false).kept()).containsExactly(a);
    }

    static Row row(String id, String answer, double score) {
        var prompt = List.of(cai4j.model.Message.user("q"));
        var chosen = List.of(cai4j.model.Message.assistant(answer));
        return new Row(id, "prefs", id, prompt, List.of(prompt.getFirst(), chosen.getFirst()), chosen,
                List.of(cai4j.model.Message.assistant("other")), score, List.of(), "m");
    }

    @Test
    void badRequestsAreClearInputErrors() {
        assertThatThrownBy(() -> ExportFormats.get("csv")).isInstanceOf(InputError.class).hasMessageContaining("openai-sft, openai-dpo, trl-sft, trl-dpo, reward, parquet, jsonl");
        assertThatThrownBy(() -> new Split(1.5)).isInstanceOf(InputError.class);
        assertThatThrownBy(() -> RunData.read(dir.resolve("nope"))).isInstanceOf(InputError.class).hasMessageContaining("does not exist");
    }
}
