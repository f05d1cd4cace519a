package cai4j.constitution;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

/** Editing or inserting one clause never changes the id of any other clause. */
class IdStabilityTest {

    @Provide
    Arbitrary<List<String>> rules() {
        Arbitrary<String> word = Arbitraries.strings().withCharRange('a', 'z').ofMinLength(2).ofMaxLength(8);
        Arbitrary<String> rule = word.list().ofMinSize(2).ofMaxSize(8).map(ws -> "Always " + String.join(" ", ws) + ".");
        return rule.list().ofMinSize(1).ofMaxSize(25);
    }

    @Property(tries = 60)
    void insertingAClauseKeepsEveryOtherId(@ForAll("rules") List<String> rules, @ForAll @IntRange(max = 30) int at,
                                           @ForAll("rules") List<String> extra) throws IOException {
        Map<String, String> before = ids(rules);
        List<String> edited = new ArrayList<>(rules);
        edited.add(Math.min(at, edited.size()), extra.getFirst());
        Map<String, String> after = ids(edited);
        before.forEach((key, id) -> {
            if (!key.startsWith(extra.getFirst() + "#")) assertThat(after).containsEntry(key, id);
        });
    }

    @Property(tries = 60)
    void editingAClauseChangesOnlyItsOwnId(@ForAll("rules") List<String> rules, @ForAll @IntRange(max = 30) int which) throws IOException {
        int i = which % rules.size();
        Map<String, String> before = ids(rules);
        List<String> edited = new ArrayList<>(rules);
        String changed = rules.get(i).replace("Always ", "Never ");
        edited.set(i, changed);
        Map<String, String> after = ids(edited);
        before.forEach((key, id) -> {
            if (!key.startsWith(rules.get(i) + "#") && !key.startsWith(changed + "#")) assertThat(after).containsEntry(key, id);
        });
    }

    @Property(tries = 30)
    void theSameDocumentAlwaysGivesTheSameIds(@ForAll("rules") List<String> rules) throws IOException {
        assertThat(ids(rules)).isEqualTo(ids(rules));
    }

    /** Ids keyed by clause text and occurrence (the same words may appear twice). */
    private static Map<String, String> ids(List<String> rules) throws IOException {
        Path dir = Files.createTempDirectory("ids");
        Path f = dir.resolve("c.md");
        StringBuilder md = new StringBuilder("# Rules\n\n");
        for (String r : rules) md.append("- ").append(r).append('\n');
        Files.writeString(f, md);
        try {
            Map<String, String> out = new HashMap<>();
            Map<String, Integer> seen = new HashMap<>();
            for (Clause c : Compiler.compile(f).clauses()) {
                int n = seen.merge(c.text(), 1, Integer::sum);
                out.put(c.text() + "#" + n, c.id());
            }
            return out;
        } finally {
            Files.deleteIfExists(f);
            Files.deleteIfExists(dir);
        }
    }
}
