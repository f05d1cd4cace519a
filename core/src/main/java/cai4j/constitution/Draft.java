package cai4j.constitution;

import java.util.ArrayList;
import java.util.List;

/**
 * What a format reader found in a document, before ids and ranks are assigned.
 *
 * @param title         the document's title ("" when it has none)
 * @param declaredTiers tiers the document declares, in priority order (empty when it declares none)
 * @param clauses       clauses in document order
 */
record Draft(String title, List<Tier> declaredTiers, List<Item> clauses, List<Section> sections) {

    /**
     * A clause before its id is known.
     *
     * @param explicitId id given by the document itself ("" when none)
     * @param sectionKey stable key of the innermost section (its {@code #id} or slug of its heading)
     * @param tier       tier named for the clause ("" when the document says nothing)
     */
    record Item(String explicitId, String sectionKey, String tier, List<String> section, String text, int line,
                Clause.Kind kind, String critique, String revision, List<String> notes) {

        /**
         * This clause with a sentence that only continues it ("This applies to ..."): one clause
         * holding both, starting where this one starts. It is a rule when either part is, since
         * the continuation may carry the norm ("This includes never ...").
         */
        Item joinedWith(Item next) {
            List<String> allNotes = new ArrayList<>(notes);
            allNotes.addAll(next.notes);
            Clause.Kind joined = kind == Clause.Kind.RULE || next.kind == Clause.Kind.RULE ? Clause.Kind.RULE : Clause.Kind.CONTEXT;
            return new Item(explicitId, sectionKey, tier, section, text + " " + next.text, line, joined, critique, revision, allNotes);
        }

        /** This list item under the sentence that introduces its list ("A good scope should: minimize ..."). */
        Item headedBy(String lead) {
            return new Item(explicitId, sectionKey, tier, section, lead + " " + text, line, kind, critique, revision, notes);
        }

        Item asContext() {
            return new Item(explicitId, sectionKey, tier, section, text, line, Clause.Kind.CONTEXT, critique, revision, notes);
        }
    }

    /** A heading, kept so that empty sections can be reported. */
    record Section(List<String> path, int line) {}

    static Draft of(String title, List<Tier> tiers, List<Item> items) {
        return new Draft(title, tiers, items, new ArrayList<>());
    }
}
