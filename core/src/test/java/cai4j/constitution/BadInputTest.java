package cai4j.constitution;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import cai4j.InputError;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every kind of bad input gets one sentence naming the file and the place. */
class BadInputTest {

    @TempDir
    Path dir;

    Path file(String name, String text) throws IOException {
        Path f = dir.resolve(name);
        Files.writeString(f, text);
        return f;
    }

    @Test
    void missingFile() {
        Path f = dir.resolve("nope.md");
        assertThatThrownBy(() -> Compiler.compile(f)).isInstanceOf(InputError.class).hasMessage(f + " does not exist.");
    }

    @Test
    void emptyFile() throws IOException {
        Path f = file("empty.md", "  \n\n");
        assertThatThrownBy(() -> Compiler.compile(f)).isInstanceOf(InputError.class).hasMessage(f + " is empty.");
    }

    @Test
    void binaryFile() throws IOException {
        Path f = dir.resolve("model.bin");
        Files.write(f, new byte[] {'G', 'G', 'U', 'F', 0, 1, 2, 3});
        assertThatThrownBy(() -> Compiler.compile(f)).isInstanceOf(InputError.class).hasMessageContaining("binary file").hasMessageContaining("offset 4");
    }

    @Test
    void notUtf8() throws IOException {
        Path f = dir.resolve("latin1.txt");
        Files.write(f, new byte[] {'-', ' ', 'B', (byte) 0xE9, 'e', '\n'});
        assertThatThrownBy(() -> Compiler.compile(f)).isInstanceOf(InputError.class).hasMessageContaining("not UTF-8");
    }

    @Test
    void invalidJsonNamesLineAndColumn() throws IOException {
        Path f = file("c.json", "{\n  \"principles\": [\n    {\"text\": \"Be kind.\",}\n  ]\n}\n");
        assertThatThrownBy(() -> Compiler.compile(f)).isInstanceOf(InputError.class)
                .hasMessageStartingWith(f + " line 3, column").hasMessageContaining("invalid JSON");
    }

    @Test
    void invalidYamlNamesLineAndColumn() throws IOException {
        Path f = file("c.yaml", "principles:\n  - text: Be kind.\n   tier: [oops\n");
        assertThatThrownBy(() -> Compiler.compile(f)).isInstanceOf(InputError.class)
                .hasMessageContaining(f + " line").hasMessageContaining("invalid YAML");
    }

    @Test
    void invalidFrontMatterNamesTheLineInTheMarkdownFile() throws IOException {
        Path f = file("c.md", "---\ntitle: x\ntiers: [a, b\n---\n- Be kind.\n");
        assertThatThrownBy(() -> Compiler.compile(f)).isInstanceOf(InputError.class).hasMessageContaining("invalid YAML").hasMessageContaining(" line ");
    }

    @Test
    void schemaMismatchSaysWhatWasExpected() throws IOException {
        Path f = file("c.json", "{\"rules\": [\"Be kind.\"]}");
        assertThatThrownBy(() -> Compiler.compile(f)).isInstanceOf(InputError.class)
                .hasMessageContaining("expected 'principles'").hasMessageContaining("found keys rules");
        Path g = file("d.json", "{\"principles\": [{\"tier\": \"x\"}]}");
        assertThatThrownBy(() -> Compiler.compile(g)).isInstanceOf(InputError.class).hasMessage(g + ": principles[0] has no 'text'.");
    }

    @Test
    void documentWithNoClauses() throws IOException {
        Path f = file("c.md", "# Title\n\nJust some background about the company.\n\n```\ncode\n```\n");
        assertThatThrownBy(() -> Compiler.compile(f)).isInstanceOf(InputError.class).hasMessageContaining("has no clauses");
    }

    @Test
    void undeclaredTierInAPrincipleList() throws IOException {
        Path f = file("c.yaml", "tiers: [safe]\nprinciples:\n  - {tier: safe, text: Be safe.}\n  - {tier: fun, text: Have fun with it.}\n");
        assertThatThrownBy(() -> Compiler.compile(f)).isInstanceOf(InputError.class).hasMessageContaining("tier 'fun'").hasMessageContaining("line 4");
    }

    @Test
    void fileAboveTheSizeLimit() throws IOException {
        Path f = file("big.md", "- rule\n".repeat(2000));
        assertThatThrownBy(() -> Compiler.compile(f, 1024)).isInstanceOf(InputError.class)
                .hasMessageContaining("above the 0.0 MB limit".replace("0.0", "0.0")).hasMessageContaining("--max-size");
    }

    @Test
    void directoryInsteadOfFile() {
        assertThatThrownBy(() -> Compiler.compile(dir)).isInstanceOf(InputError.class).hasMessageContaining("is a directory");
    }

    @Test
    void hundredsOfThousandsOfListItemsCompile() throws IOException {
        StringBuilder sb = new StringBuilder("# Many\n");
        for (int i = 0; i < 300_000; i++) sb.append("- Rule number ").append(i).append(" must hold.\n");
        Path f = file("many.md", sb.toString());
        Constitution c = Compiler.compile(f);
        assertThat(c.clauses()).hasSize(300_000);
        assertThat(c.clauses()).extracting(Clause::id).doesNotHaveDuplicates();
    }

    @Test
    void millionsOfTinyItemsAreRefusedBeforeParsing() throws IOException {
        Path f = file("tiny.md", "- a\n".repeat(Compiler.MAX_LINES + 1));
        assertThatThrownBy(() -> Compiler.compile(f)).isInstanceOf(InputError.class)
                .hasMessageContaining("500001 lines").hasMessageContaining("split it");
    }

    @Test
    void nestedQuotesAreWalked() throws IOException {
        Path f = file("nested.md", ">".repeat(100) + " Be kind.\n");
        assertThat(Compiler.compile(f).rules()).extracting(Clause::text).containsExactly("Be kind.");
    }

    @Test
    void absurdNestingIsRefusedWithASentenceOrCompiledNeverACrash() throws IOException {
        Path f = file("deep.md", ">".repeat(200_000) + " Be kind.\n");
        try {
            assertThat(Compiler.compile(f).rules()).isNotEmpty();
        } catch (InputError e) {
            assertThat(e.getMessage()).startsWith(f.toString());
        }
    }
}
