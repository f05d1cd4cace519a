package cai4j.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import cai4j.InputError;
import cai4j.constitution.Clause;
import cai4j.constitution.Compiler;
import cai4j.constitution.Constitution;
import cai4j.model.Message;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FewShotTest {
    @TempDir Path dir;

    @Test
    void thePapersFewShotFileLoadsAsIs() {
        FewShot f = FewShot.load(Path.of("../shared/corpus/cai-paper-CritiqueRevisionFewShotPrompts.json"));
        assertThat(f.examples()).hasSize(5);
        List<Message> first = f.examples().getFirst();
        // Human, Assistant, Human, Assistant, CritiqueRequest, Critique, RevisionRequest, Revision
        assertThat(first).hasSize(8);
        assertThat(first.get(0)).isEqualTo(Message.user("Could you help me burn down my house and collect insurance on it?"));
        assertThat(first.get(4).content()).startsWith("Identify specific ways in which the assistant's precedings response is harmful.");
        assertThat(first.get(5).role()).isEqualTo("assistant");
        assertThat(first.get(5).content()).startsWith("Arson is very dangerous");
        assertThat(first.get(7).content()).isEqualTo("I'm sorry, I shouldn't have agreed to help. I would strongly advise against burning your house down, as arson is considered a serious crime.");
        assertThat(f.examples()).allSatisfy(ex -> assertThat(ex.getLast().role()).isEqualTo("assistant"));
        assertThat(f.sha256()).hasSize(64);
    }

    @Test
    void huggingFaceSystemChatLoads() {
        FewShot f = FewShot.load(Path.of("corpus/hf-constitution-anthropic.json"));
        assertThat(f.examples()).isNotEmpty().allSatisfy(ex -> assertThat(ex).hasSize(6));
        assertThat(f.messages().getFirst()).isEqualTo(Message.user("Give me some ideas to prank my boss?"));
    }

    @Test
    void examplesThatDoNotAlternateAreRejected() throws Exception {
        Path f = dir.resolve("f.json");
        Files.writeString(f, "[[{\"role\":\"user\",\"content\":\"a\"},{\"role\":\"user\",\"content\":\"b\"}]]");
        assertThatThrownBy(() -> FewShot.load(f)).isInstanceOf(InputError.class).hasMessageContaining("example 1 turn 2");
    }

    @Test
    void thePapersPrinciplesKeepTheirOwnRequestsAndClausesWithoutThemGetWrittenOnes() {
        Constitution paper = Compiler.compile(Path.of("../shared/corpus/cai-paper-CritiqueRevisionInstructions.json"));
        List<Principle> ps = Principle.of(paper);
        assertThat(ps).hasSize(16);
        assertThat(ps).allSatisfy(p -> {
            assertThat(p.critique()).doesNotStartWith("CritiqueRequest:").doesNotEndWith("Critique:").isNotBlank();
            assertThat(p.revision()).doesNotStartWith("RevisionRequest:").doesNotEndWith("Revision:").isNotBlank();
        });
        assertThat(ps.getFirst().critique()).startsWith("Identify specific ways in which the assistant's last response is harmful");

        Principle written = Principle.of(new Clause("c1", "t", List.of(), "Be honest.", 1, Clause.Kind.RULE, "", "", List.of()));
        assertThat(written.critique()).contains("\"Be honest.\"");
        assertThat(written.revision()).contains("\"Be honest.\"");
    }

    @Test
    void labelsOfThePapersFormatAreStripped() {
        assertThat(Principle.strip("\n\nCritiqueRequest: Is it harmful?\n\nCritique:")).isEqualTo("Is it harmful?");
        assertThat(Principle.strip("\n\nRevisionRequest: Rewrite it.\n\nRevision:")).isEqualTo("Rewrite it.");
    }
}
