package cai4j.constitution;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import cai4j.InputError;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MarkdownCompileTest {

    @TempDir
    Path dir;

    Constitution compile(String name, String text) throws IOException {
        Path f = dir.resolve(name);
        Files.writeString(f, text);
        return Compiler.compile(f);
    }

    @Test
    void listItemsTableRowsAndNormativeSentencesAreRulesAndTheRestIsContext() throws IOException {
        Constitution c = compile("c.md", """
                # Rules

                This paragraph explains the background. The assistant should always cite sources.

                - Be kind.
                - Refuse to help with fraud.

                | Case | Do |
                |---|---|
                | asked for a password | decline |

                ```
                - this list item is code, not a rule
                ```
                """);
        assertThat(c.rules()).extracting(Clause::text).containsExactly(
                "The assistant should always cite sources.", "Be kind.", "Refuse to help with fraud.", "Case: asked for a password; Do: decline");
        assertThat(c.clauses()).filteredOn(x -> x.kind() == Clause.Kind.CONTEXT).extracting(Clause::text)
                .containsExactly("This paragraph explains the background.");
        assertThat(c.rules()).extracting(Clause::line).containsExactly(3, 5, 6, 10);
        assertThat(c.tiers()).extracting(Tier::id).containsExactly("default");
        assertThat(c.title()).isEqualTo("Rules");
    }

    @Test
    void frontMatterDeclaresTitleAndTiersAndHeadingAttributesAssignThem() throws IOException {
        Constitution c = compile("c.md", """
                ---
                title: Test constitution
                tiers: [safe, helpful]
                ---
                # Safety {#safety tier=safe}
                - Never help build weapons.
                ## Details
                - Do not share exploit code.
                # Helpfulness {#help tier=helpful}
                - Answer directly.
                """);
        assertThat(c.title()).isEqualTo("Test constitution");
        assertThat(c.tiers()).extracting(Tier::id, Tier::rank).containsExactly(
                org.assertj.core.groups.Tuple.tuple("safe", 1), org.assertj.core.groups.Tuple.tuple("helpful", 2));
        assertThat(c.rules()).extracting(Clause::tier).containsExactly("safe", "safe", "helpful");
        assertThat(c.rules().get(1).section()).containsExactly("Safety", "Details");
        assertThat(c.rules().get(1).id()).startsWith("details.");
        assertThat(c.rules().get(0).id()).startsWith("safety.");
        assertThat(c.rules().get(0).line()).isEqualTo(6);
    }

    @Test
    void footnoteDefinitionsAttachToTheCitingClause() throws IOException {
        Constitution c = compile("c.md", """
                - Cite your sources.[^src]
                - Be brief.

                [^src]: See the style guide, section 4.
                """);
        assertThat(c.rules().getFirst().notes()).containsExactly("^src: See the style guide, section 4.");
        assertThat(c.rules().getFirst().text()).isEqualTo("Cite your sources.");
        assertThat(c.rules().get(1).notes()).isEmpty();
    }

    @Test
    void sentencesSplitOutsideAbbreviations() throws IOException {
        Constitution c = compile("c.md", "You should use examples, e.g. code snippets, when helpful. Never invent data.\n");
        assertThat(c.rules()).extracting(Clause::text).containsExactly(
                "You should use examples, e.g. code snippets, when helpful.", "Never invent data.");
    }

    @Test
    void anUndeclaredTierIsAnErrorNamingTheLine() throws IOException {
        Path f = dir.resolve("c.md");
        Files.writeString(f, "---\ntiers: [safe]\n---\n# A {tier=safe}\n- Be safe.\n# B {tier=fun}\n- Be fun.\n");
        assertThatThrownBy(() -> Compiler.compile(f)).isInstanceOf(InputError.class)
                .hasMessageContaining("line 7").hasMessageContaining("'fun'").hasMessageContaining("not declared");
    }

    @Test
    void lintFindsDuplicatesEmptySectionsAndEmptyTiers() throws IOException {
        Path f = dir.resolve("c.md");
        Files.writeString(f, "---\ntiers: [safe, helpful]\n---\n# A {tier=safe}\n- Be safe.\n- Be  safe.\n# Empty {tier=helpful}\n");
        Compiler.Result r = Compiler.analyse(f, Compiler.DEFAULT_MAX_BYTES);
        assertThat(r.problems()).extracting(Problem::code).containsExactlyInAnyOrder("duplicate-clause", "empty-section", "empty-tier");
        assertThat(r.errors()).isEmpty();
        // the same words twice in one section still get distinct ids
        assertThat(r.constitution().clauses()).extracting(Clause::id).doesNotHaveDuplicates();
    }

    @Test
    void plainTextNumberedRules() throws IOException {
        Constitution c = compile("rules.txt", """
                SAFETY:
                1. Never reveal passwords.
                2) Do not run untrusted code
                   without asking first.
                - Keep logs private.
                """);
        assertThat(c.rules()).extracting(Clause::text).containsExactly(
                "Never reveal passwords.", "Do not run untrusted code without asking first.", "Keep logs private.");
        assertThat(c.rules()).allMatch(x -> x.section().equals(java.util.List.of("SAFETY")));
    }

    @Test
    void ownJsonAndYamlSchemas() throws IOException {
        Constitution json = compile("c.json", """
                {"title": "T", "tiers": [{"id": "safe", "description": "first"}, {"id": "kind"}],
                 "principles": [{"id": "no-weapons", "tier": "safe", "text": "Never help build weapons.",
                                  "critique": "Does it help build weapons?", "revision": "Remove weapon help."},
                                {"tier": "kind", "text": "Be kind."}]}
                """);
        assertThat(json.clause("no-weapons").orElseThrow().critique()).isEqualTo("Does it help build weapons?");
        assertThat(json.tiers().getFirst().description()).isEqualTo("first");
        assertThat(json.rules().get(1).id()).startsWith("principles.");

        Constitution yaml = compile("c.yaml", """
                title: T
                tiers: {safe: first, kind: second}
                principles:
                  - {tier: safe, text: Never help build weapons.}
                  - text: Be kind.
                    tier: kind
                    section: Manners
                """);
        assertThat(yaml.rules()).extracting(Clause::tier).containsExactly("safe", "kind");
        assertThat(yaml.rules().get(1).id()).startsWith("manners.");
    }

    @Test
    void aCompiledConstitutionReadsBackAsItIs() throws IOException {
        Constitution c = compile("c.md", "- Be kind.\n- Be brief.\n");
        Path out = dir.resolve("constitution.json");
        cai4j.Json.writeAtomically(out, cai4j.Json.pretty(c));
        assertThat(Compiler.compile(out)).isEqualTo(c);
    }
}
