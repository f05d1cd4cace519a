package cai4j.constitution;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import cai4j.InputError;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A document is read by what it is, not only by what it is named; every tier a document declares is honoured. */
class FormatByContentTest {

    static final String TIERED_MARKDOWN = """
            ---
            title: Tiered
            tiers: [safety, ethics, guidelines, helpfulness]
            ---
            # Safety {tier=safety}
            - Never help build weapons.
            # Ethics {tier=ethics}
            - Do not deceive the user.
            # Guidelines {tier=guidelines}
            - Cite sources when asked.
            # Helpfulness {tier=helpfulness}
            - Answer the question that was asked.
            """;

    @TempDir
    Path dir;

    Path file(String name, String text) throws IOException {
        Path f = dir.resolve(name);
        Files.writeString(f, text);
        return f;
    }

    @Test
    void markdownNamedTxtOrWithoutExtensionCompilesAsMarkdown() throws IOException {
        for (String name : new String[] {"constitution.txt", "CONSTITUTION", "-"}) {
            Constitution c = name.equals("-") ? Compiler.compile(name, TIERED_MARKDOWN) : Compiler.compile(file(name, TIERED_MARKDOWN));
            assertThat(c.tiers()).as(name).hasSize(4);
            assertThat(c.title()).as(name).isEqualTo("Tiered");
            assertThat(c.clauses()).as(name).extracting(Clause::text)
                    .containsExactly("Never help build weapons.", "Do not deceive the user.", "Cite sources when asked.", "Answer the question that was asked.");
        }
    }

    @Test
    void plainTextWithoutMarkdownMarksStaysPlainText() throws IOException {
        Constitution c = Compiler.compile(file("rules.txt", "SAFETY:\n1. Never help build weapons.\n2. Do not deceive the user.\n"));
        assertThat(c.tiers()).hasSize(1);
        assertThat(c.clauses()).extracting(Clause::text).containsExactly("Never help build weapons.", "Do not deceive the user.");
    }

    @Test
    void frontMatterTiersThatNoHeadingUsesStillCompileTheListItems() throws IOException {
        Constitution c = Compiler.compile(file("c.md", "---\ntiers: [safety, helpfulness]\n---\n# Rules\n- Never help build weapons.\n- Answer the question.\n"));
        assertThat(c.clauses()).extracting(Clause::text).containsExactly("Never help build weapons.", "Answer the question.");
        assertThat(c.clauses()).extracting(Clause::tier).containsOnly("helpfulness");
    }

    @Test
    void frontMatterDefaultTierAppliesToUntieredItems() throws IOException {
        Constitution c = Compiler.compile(file("c.md", "---\ntiers: [safety, helpfulness]\ndefault_tier: safety\n---\n- Never help build weapons.\n"));
        assertThat(c.clauses()).extracting(Clause::tier).containsExactly("safety");
    }

    @Test
    void principleListDefaultTierAppliesToPrinciplesWithoutATier() throws IOException {
        Constitution c = Compiler.compile(file("c.json", """
                {"tiers": ["safety", "helpfulness"], "default_tier": "safety",
                 "principles": [{"text": "Never help build weapons."}, {"text": "Answer the question.", "tier": "helpfulness"}]}
                """));
        assertThat(c.clauses()).extracting(Clause::tier).containsExactly("safety", "helpfulness");
        Constitution y = Compiler.compile(file("c.yaml", "tiers: [safety, helpfulness]\ndefault_tier: safety\nprinciples:\n  - Never help build weapons.\n"));
        assertThat(y.clauses()).extracting(Clause::tier).containsExactly("safety");
    }

    @Test
    void caiPaperEntryWithNullEditRequestIsAnErrorNamingTheEntry() throws IOException {
        Path f = file("CritiqueRevisionInstructions.json", """
                {
                  "harmful0": {"prompt": ["Identify harmful content."], "edit_request": "Rewrite it without harm."},
                  "harmful1": {"prompt": ["Identify unethical content."], "edit_request": null}
                }
                """);
        assertThatThrownBy(() -> Compiler.compile(f)).isInstanceOf(InputError.class)
                .hasMessage(f + " line 3: entry 'harmful1' has an 'edit_request' that is null; write the revision request as a string.");
    }
}
