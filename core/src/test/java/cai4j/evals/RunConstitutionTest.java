package cai4j.evals;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import cai4j.InputError;
import cai4j.constitution.Compiler;
import cai4j.constitution.Constitution;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A run keeps the constitution it was made from: another one is refused until the run starts over. */
class RunConstitutionTest {

    @TempDir
    Path run;

    final Constitution first = Compiler.compile("a.md", "# A\n\n## Safe\n\n- Never reveal a password.\n");
    final Constitution second = Compiler.compile("b.md", "# B\n\n## Safe\n\n- Never write malware.\n");

    @Test
    void theSameConstitutionIsClaimedAgainAndAnotherIsRefused() throws Exception {
        EvalFiles files = new EvalFiles(run);
        files.claimConstitution(first);
        files.claimConstitution(first);
        assertThatThrownBy(() -> files.claimConstitution(second)).isInstanceOf(InputError.class)
                .hasMessageContaining("was made from another constitution ('A', sha256 " + first.sha256().substring(0, 12) + ")")
                .hasMessageContaining("--start-over");
        assertThat(files.readConstitution()).isEqualTo(first);
    }

    @Test
    void startingOverDiscardsEverythingMadeFromTheConstitutionAndKeepsTheLedger() throws Exception {
        EvalFiles files = new EvalFiles(run);
        files.claimConstitution(first);
        Files.createDirectories(files.dir());
        Files.writeString(files.verdicts(), "{}\n");
        Files.createDirectories(run.resolve("data"));
        Files.writeString(run.resolve("data/sft.jsonl"), "{}\n");
        Files.writeString(run.resolve("summary.json"), "{}");
        Files.writeString(run.resolve("ledger.db"), "paid calls");

        files.startOver();
        files.claimConstitution(second);

        assertThat(files.readConstitution()).isEqualTo(second);
        assertThat(files.dir()).doesNotExist();
        assertThat(run.resolve("data")).doesNotExist();
        assertThat(run.resolve("summary.json")).doesNotExist();
        assertThat(run.resolve("ledger.db")).hasContent("paid calls");
    }
}
