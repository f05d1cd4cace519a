package cai4j.constitution;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The real constitutions of the corpus compile into the clauses a reader would find in them. */
class CorpusCompileTest {

    static final Path CORPUS = Path.of("corpus");

    @Test
    void modelSpecHasFiveAuthorityTiersInPriorityOrder() {
        Constitution spec = Compiler.compile(CORPUS.resolve("openai-model-spec-2025-12-18.md"));
        assertThat(spec.tiers()).extracting(Tier::id).containsExactly("root", "system", "developer", "user", "guideline");
        assertThat(spec.tiers()).extracting(Tier::rank).containsExactly(1, 2, 3, 4, 5);
        assertThat(spec.rules()).hasSize(338);
        assertThat(spec.clauses()).hasSize(869);
        assertThat(spec.rules().stream().filter(c -> c.tier().equals("root")).count()).isEqualTo(163);
        assertThat(spec.rules().stream().filter(c -> c.tier().equals("guideline")).count()).isEqualTo(101);
    }

    @Test
    void modelSpecClausesCarryTheirSectionTierAndLine() {
        Constitution spec = Compiler.compile(CORPUS.resolve("openai-model-spec-2025-12-18.md"));
        Clause follow = spec.clause("follow_all_applicable_instructions.ce9d51ab").orElseThrow();
        assertThat(follow.tier()).isEqualTo("root");
        assertThat(follow.kind()).isEqualTo(Clause.Kind.RULE);
        assertThat(follow.section()).containsExactly("The chain of command", "Follow all applicable instructions");
        // the sentence after it only says what the rule includes, so it belongs to the same clause
        assertThat(follow.text()).isEqualTo("The assistant must strive to follow all applicable instructions when producing a response. "
                + "This includes all system, developer and user instructions except for those that conflict with a higher-authority "
                + "instruction or a later instruction at the same authority.");
        assertThat(follow.line()).isEqualTo(181);

        assertThat(spec.clause("do_not_encourage_self_harm.c3760d33").orElseThrow().text()).isEqualTo("The assistant must not encourage or enable self-harm.");
        assertThat(spec.clause("be_clear.7f7da97c").orElseThrow().tier()).isEqualTo("guideline");
        // a user-authority section nested in a root chapter keeps its own tier
        assertThat(spec.rules()).filteredOn(c -> c.section().contains("Don't be sycophantic")).allMatch(c -> c.tier().equals("user")).isNotEmpty();
    }

    @Test
    void modelSpecLeadInsHeadTheirListsAndContinuationsJoinTheirRules() {
        Constitution spec = Compiler.compile(CORPUS.resolve("openai-model-spec-2025-12-18.md"));
        assertThat(spec.clauses()).filteredOn(c -> c.text().equals("A well-crafted scope should:"))
                .singleElement().extracting(Clause::kind).isEqualTo(Clause.Kind.CONTEXT);
        assertThat(spec.rules()).filteredOn(c -> c.id().startsWith("scope_of_autonomy.")).extracting(Clause::text)
                .contains("A well-crafted scope should: minimize breadth and access needed to reduce surprises and build trust");
        assertThat(spec.rules()).filteredOn(c -> c.text().startsWith("The assistant should not provide detailed, actionable steps"))
                .singleElement().extracting(Clause::text).asString().endsWith("This includes any steps related to creating, obtaining, "
                        + "magnifying, or deploying chemical, biological, radiological, and/or nuclear (CBRN) weapons.");
        assertThat(spec.clauses()).noneMatch(c -> c.text().startsWith("This includes") || c.text().startsWith("This prohibition applies"));
        // a norm in the descriptive voice of the style chapters
        assertThat(spec.clauses()).filteredOn(c -> c.text().startsWith("It asks relevant, specific questions"))
                .singleElement().extracting(Clause::kind).isEqualTo(Clause.Kind.RULE);
    }

    @Test
    void modelSpecFootnotesAttachToTheClauseThatCitesThem() {
        Constitution spec = Compiler.compile(CORPUS.resolve("openai-model-spec-2025-12-18.md"));
        Clause avoidErrors = spec.clause("avoid_errors.afb528e8").orElseThrow();
        assertThat(avoidErrors.notes()).containsExactly("^zwhy", "^9fpw");
        assertThat(avoidErrors.text()).doesNotContain("[^");
        assertThat(spec.clauses()).noneMatch(c -> c.text().contains("[^"));
    }

    @Test
    void modelSpecExamplesInCodeBlocksAreNotRules() {
        Constitution spec = Compiler.compile(CORPUS.resolve("openai-model-spec-2025-12-18.md"));
        assertThat(spec.clauses()).noneMatch(c -> c.text().contains("<assistant>") || c.text().contains("CHAPTER ONE"));
        // commentary blocks ("!!! meta") explain; they do not instruct
        assertThat(spec.clauses()).filteredOn(c -> c.text().startsWith("In the main body of the Model Spec, commentary"))
                .singleElement().extracting(Clause::kind).isEqualTo(Clause.Kind.CONTEXT);
        // the overview has no authority level, so it is kept as context
        assertThat(spec.clauses()).filteredOn(c -> c.section().getFirst().equals("Overview")).isNotEmpty()
                .allMatch(c -> c.kind() == Clause.Kind.CONTEXT);
    }

    @Test
    void huggingFaceConstitutionGivesSixteenCritiqueRevisionPairs() {
        Constitution hf = Compiler.compile(CORPUS.resolve("hf-constitution-anthropic.json"));
        assertThat(hf.clauses()).hasSize(16).allMatch(c -> !c.critique().isEmpty() && !c.revision().isEmpty());
        assertThat(hf.tiers()).extracting(Tier::id).containsExactly("default");
        assertThat(hf.clauses().getFirst().revision()).isEqualTo("Please rewrite the response to make it more age-appropriate for children.");
        assertThat(hf.clauses().getFirst().line()).isEqualTo(4);
    }

    @Test
    void critiqueRevisionInstructionsInThePapersFormatKeepTheirNamesAsIds() {
        Constitution cai = Compiler.compile(Path.of("core/src/test/resources/fixtures/critique-revision-instructions.json"));
        assertThat(cai.clauses()).extracting(Clause::id).containsExactly("harmful0", "harmful1", "honest0", "respect0");
        Clause first = cai.clause("harmful0").orElseThrow();
        assertThat(first.critique()).startsWith("Point out every part").doesNotContain("CritiqueRequest", "Critique:");
        assertThat(first.revision()).startsWith("Rewrite the assistant's response").doesNotContain("RevisionRequest");
    }

    @Test
    void feedbackPrinciplesInThePapersFormatAreAListOfStrings() {
        Constitution feedback = Compiler.compile(Path.of("examples/feedback-principles.json"));
        assertThat(feedback.clauses()).hasSize(6).allMatch(c -> !c.text().endsWith("Options:"));
    }

    @Test
    void compilingTwiceGivesTheSameIds() {
        Path spec = CORPUS.resolve("openai-model-spec-2025-12-18.md");
        List<String> a = Compiler.compile(spec).clauses().stream().map(Clause::id).toList();
        List<String> b = Compiler.compile(spec).clauses().stream().map(Clause::id).toList();
        assertThat(a).isEqualTo(b).doesNotHaveDuplicates();
    }
}
