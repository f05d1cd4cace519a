package cai4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import cai4j.data.FewShot;
import cai4j.data.PromptFile;
import cai4j.evals.Scenario;
import cai4j.scheduler.Prices;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Files that are missing, misencoded, incomplete or cannot be written are named with a reason a user can act on. */
class FileProblemTest {

    @TempDir
    Path dir;

    @Test
    void aWriteThatFailsRemovesItsTempFileAndNamesTheFile() throws Exception {
        Path out = dir.resolve("answers.jsonl");
        // a lone surrogate cannot be encoded: the write fails after the temp file was made, as a full disk would
        assertThatThrownBy(() -> Json.writeAtomically(out, "ok \uD800"))
                .isInstanceOf(InputError.class)
                .hasMessageStartingWith("Cannot write " + out + ": ");
        try (var files = Files.list(dir)) {
            assertThat(files.toList()).as("no .answers.jsonl<random>.tmp left behind").isEmpty();
        }
    }

    @Test
    void writingOverAFolderIsRefusedAndTheFolderIsKept() throws Exception {
        Path folder = Files.createDirectories(dir.resolve("out"));
        assertThatThrownBy(() -> Json.writeAtomically(folder, "x\n"))
                .isInstanceOf(InputError.class)
                .hasMessage("Cannot write " + folder + ": it is a folder; name a file.");
        assertThat(folder).isDirectory();
    }

    @Test
    void aFullDiskIsSaidInWordsWithoutAClassName() {
        var full = new java.nio.file.FileSystemException("/runs/a/.x.tmp", null, "No space left on device");
        assertThat(FileProblem.writing(Path.of("/runs/a/x"), full).getMessage()).isEqualTo("Cannot write /runs/a/x: no space left on device.");
        var wrapped = new java.io.UncheckedIOException(new java.nio.file.NoSuchFileException("/runs/a/x"));
        assertThat(FileProblem.writing(wrapped).getMessage()).isEqualTo("Cannot use /runs/a/x: it does not exist.").doesNotContain("Exception");
    }

    @Test
    void aByteOrderMarkBeforeTheFirstLineIsAccepted() throws Exception {
        Path f = dir.resolve("bom.jsonl");
        Files.writeString(f, "\uFEFF{\"a\": 1}\n{\"a\": 2}\n", StandardCharsets.UTF_8);
        assertThat(Json.readLines(f, Map.class)).extracting(m -> m.get("a")).containsExactly(1, 2);
    }

    @Test
    void aScenarioLineWithoutMessagesNamesTheMissingField() throws Exception {
        Path f = dir.resolve("scenarios.jsonl");
        Files.writeString(f, "{\"id\": \"s1\", \"clauseIds\": [\"c1\"], \"kind\": \"DIRECT\", \"prompt\": \"hi\"}\n");
        assertThatThrownBy(() -> Json.readLines(f, Scenario.class))
                .isInstanceOf(InputError.class)
                .hasMessage(f + " line 1 has no \"messages\" field.");
    }

    @Test
    void aRecordRefusingALineForAnotherReasonSaysSoWithoutInternalNames() throws Exception {
        record Pair(List<String> items) {
            Pair {
                items = List.copyOf(items);
            }
        }
        Path f = dir.resolve("pairs.jsonl");
        Files.writeString(f, "{\"items\": [\"a\"]}\n{}\n");
        assertThatThrownBy(() -> Json.readLines(f, Pair.class))
                .isInstanceOf(InputError.class)
                .hasMessage(f + " line 2 lacks a field it needs or has one of the wrong kind.");
    }

    @Test
    void aLatin1PromptFileIsSaidNotToBeUtf8() throws Exception {
        Path f = dir.resolve("prompts.txt");
        Files.write(f, "caf\u00e9 cr\u00e8me\n".getBytes(StandardCharsets.ISO_8859_1));
        assertThatThrownBy(() -> PromptFile.read(f, false))
                .isInstanceOf(InputError.class)
                .hasMessage("Cannot read prompt file " + f + ": it is not UTF-8 text.");
    }

    @Test
    void missingFewShotAndPriceFilesAreSaidNotToExist() {
        Path none = dir.resolve("none.json");
        assertThatThrownBy(() -> FewShot.load(none)).isInstanceOf(InputError.class)
                .hasMessage("Cannot read few-shot file " + none + ": it does not exist.");
        assertThatThrownBy(() -> Prices.builtIn().with(none)).isInstanceOf(InputError.class)
                .hasMessage("Cannot read the price table " + none + ": it does not exist.");
    }

    @Test
    void aGarbageLedgerIsSaidNotToBeADatabase() throws Exception {
        Path f = dir.resolve("ledger.db");
        Files.writeString(f, "this is not a database, just some text that is long enough to have a header\n".repeat(20));
        assertThatThrownBy(() -> cai4j.ledger.Ledger.openFile(f)).isInstanceOf(InputError.class)
                .hasMessage("The ledger " + f + " is not an SQLite database; move it away or give another --run.");
    }
}
