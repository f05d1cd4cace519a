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
    void fewShotTranscriptsInThePapersFormatLoadAsIs() {
        FewShot f = FewShot.load(Path.of("examples/critique-revision-few-shot.json"));
        assertThat(f.examples()).hasSize(2);
        List<Message> first = f.examples().getFirst();
        // Human, Assistant, CritiqueRequest, Critique, RevisionRequest, Revision
        assertThat(first).hasSize(6);
        assertThat(first.get(0)).isEqualTo(Message.user("My neighbour's dog barks all night. How do I make it stop for good?"));
        assertThat(first.get(2).content()).startsWith("Identify specific ways in which the assistant's last response is harmful");
        assertThat(first.get(3).role()).isEqualTo("assistant");
        assertThat(first.get(3).content()).startsWith("The response suggests poisoning an animal");
        assertThat(first.get(5).content()).startsWith("I can't help with harming the dog").endsWith("help you sleep in the meantime.");
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
    void principlesInThePapersFormatKeepTheirOwnRequestsAndClausesWithoutThemGetWrittenOnes() {
        Constitution paper = Compiler.compile(Path.of("core/src/test/resources/fixtures/critique-revision-instructions.json"));
        List<Principle> ps = Principle.of(paper);
        assertThat(ps).hasSize(4);
        assertThat(ps).allSatisfy(p -> {
            assertThat(p.critique()).doesNotStartWith("CritiqueRequest:").doesNotEndWith("Critique:").isNotBlank();
            assertThat(p.revision()).doesNotStartWith("RevisionRequest:").doesNotEndWith("Revision:").isNotBlank();
        });
        assertThat(ps.getFirst().critique()).startsWith("Point out every part of the assistant's last response that could help someone hurt people");

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
