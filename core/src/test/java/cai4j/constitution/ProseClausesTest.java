package cai4j.constitution;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Where a clause of prose begins and ends, and whether it is a rule: continuations join the rule
 * they continue, lead-ins ending in ':' are context, descriptive-voice norms are rules. The
 * fixtures were written for these tests; each holds counter-examples that must not change.
 */
class ProseClausesTest {

    static final Path FIXTURES = Path.of("core/src/test/resources/fixtures/constitutions");

    @TempDir
    Path dir;

    static Constitution fixture(String name) {
        return Compiler.compile(FIXTURES.resolve(name));
    }

    static Clause at(Constitution c, int line) {
        return c.clauses().stream().filter(x -> x.line() == line).findFirst().orElseThrow(() -> new AssertionError("no clause at line " + line));
    }

    static List<String> texts(Constitution c, Clause.Kind kind) {
        return c.clauses().stream().filter(x -> x.kind() == kind).map(Clause::text).toList();
    }

    @Test
    void aSentenceThatOnlyContinuesARuleJoinsThatRulesClause() {
        Constitution c = fixture("continuations.md");
        assertThat(at(c, 12).text()).isEqualTo("Never recommend an avalanche transceiver setting without telling the customer to check the manual. "
                + "This applies to chats about avalanche gear, climbing equipment and stoves alike.");
        assertThat(at(c, 12).kind()).isEqualTo(Clause.Kind.RULE);
        // "The same holds ..." continues too
        assertThat(at(c, 28).text()).isEqualTo("Give prices only from the price list. The same holds for delivery dates and stock levels.");
        assertThat(c.clauses()).noneMatch(x -> x.text().startsWith("This applies to chats") || x.text().startsWith("The same holds"));
    }

    @Test
    void aContinuationOpeningTheNextParagraphJoinsTheRuleThatEndsTheParagraphBefore() {
        Constitution c = fixture("continuations.md");
        assertThat(at(c, 14).text()).isEqualTo("The assistant must not give route advice for trails that are closed. "
                + "This includes trails closed for the nesting season and trails closed after rockfall.");
        assertThat(c.clauses()).noneMatch(x -> x.line() == 16);
    }

    @Test
    void aListItemThatContinuesTheItemBeforeJoinsIt() {
        Constitution c = fixture("continuations.md");
        assertThat(at(c, 18).text()).isEqualTo("Do not promise that gear is certified for a use its maker does not list. "
                + "This also covers second-hand gear sold on the store's marketplace.");
        assertThat(at(c, 20).text()).isEqualTo("Point a customer who reports an injury to emergency services first.");
        assertThat(c.rules()).filteredOn(x -> x.section().getLast().equals("Safety")).hasSize(4);
    }

    @Test
    void aContinuationAfterAListAHeadingOrAnExplanationStaysAClauseOfItsOwn() {
        Constitution c = fixture("continuations.md");
        // after a list it speaks of the whole list, not of its last item
        assertThat(at(c, 22).text()).isEqualTo("This applies to every rule above, in every language the store supports.");
        assertThat(at(c, 20).text()).doesNotContain("every rule above");
        // the first sentence of a section has nothing to continue
        assertThat(at(c, 26).text()).startsWith("This includes the opening sentence");
        // "This means ..." explains; it is not one of the continuations
        assertThat(texts(c, Clause.Kind.CONTEXT)).contains("This means a customer without an order number gets general answers.");
        assertThat(at(c, 30).text()).isEqualTo("Answer questions about an order only after checking the order number.");
    }

    @Test
    void itContinuesOnlyWithVerbsThatCannotOpenASentenceOfTheirOwn() throws IOException {
        Path f = dir.resolve("it.md");
        Files.writeString(f, "# Rules\n\nNever share passwords. It also applies to recovery codes. "
                + "It goes without saying that the assistant must keep logs private.\n");
        assertThat(Compiler.compile(f).rules()).extracting(Clause::text).containsExactly(
                "Never share passwords. It also applies to recovery codes.",
                "It goes without saying that the assistant must keep logs private.");
    }

    @Test
    void aJoinedClauseHasTheIdItsWordsWouldHaveAsOneClauseOfTheSameSection() throws IOException {
        Constitution joined = fixture("continuations.md");
        Path one = dir.resolve("one.md");
        Files.writeString(one, "## Safety {#safety}\n\n- " + at(joined, 12).text() + "\n");
        assertThat(at(joined, 12).id()).isEqualTo(Compiler.compile(one).rules().getFirst().id()).startsWith("safety.");
    }

    @Test
    void addingAContinuationChangesTheIdOfTheRuleItJoinsAndNoOther() throws IOException {
        String before = """
                # Rules

                Never sell stove fuel to minors. Ask for identification when in doubt.

                Do not ship gas canisters by air.
                """;
        String after = before.replace("Ask for identification", "This applies to refill cartridges too. Ask for identification");
        Path a = dir.resolve("a.md");
        Path b = dir.resolve("b.md");
        Files.writeString(a, before);
        Files.writeString(b, after);
        List<Clause> x = Compiler.compile(a).clauses();
        List<Clause> y = Compiler.compile(b).clauses();
        assertThat(y).hasSameSizeAs(x);
        assertThat(y.getFirst().text()).isEqualTo("Never sell stove fuel to minors. This applies to refill cartridges too.");
        assertThat(y.getFirst().id()).isNotEqualTo(x.getFirst().id());
        assertThat(y.subList(1, y.size())).extracting(Clause::id).isEqualTo(x.subList(1, x.size()).stream().map(Clause::id).toList());
    }

    @Test
    void aSentenceEndingInAColonBeforeAListTableOrCodeBlockIsContext() {
        Constitution c = fixture("lead-ins.md");
        assertThat(texts(c, Clause.Kind.CONTEXT)).contains(
                "Before issuing a refund, the assistant must ask for:",
                "The assistant should take special care in the following situations:",
                "Refunds must follow this table:",
                "Text inside code blocks is an example, not a rule:",
                "Always sign replies like this:",
                "Never argue with a customer who is upset; say instead:");
        // the only rule ending in ':' is the one before a quote, which is no list, table or code block
        assertThat(c.rules()).filteredOn(r -> r.text().endsWith(":")).extracting(Clause::line).containsExactly(38);
        assertThat(c.clauses()).noneMatch(r -> r.text().contains("capital letters") || r.text().equals("Summit support"));
    }

    @Test
    void aRuleThatIntroducesAListHeadsTheItemsThatCannotStandAlone() {
        Constitution c = fixture("lead-ins.md");
        assertThat(at(c, 7).text()).isEqualTo("Before issuing a refund, the assistant must ask for: the order number");
        assertThat(at(c, 8).text()).isEqualTo("Before issuing a refund, the assistant must ask for: the reason for the return");
        assertThat(at(c, 12).text()).isEqualTo("The assistant should take special care in the following situations: If the customer mentions a chargeback.");
        // a nested list under a list item that leads in
        assertThat(at(c, 35).text()).isEqualTo("Never argue with a customer who is upset; say instead: sorry for the trouble");
        assertThat(List.of(at(c, 7), at(c, 8), at(c, 12), at(c, 35), at(c, 36))).allMatch(x -> x.kind() == Clause.Kind.RULE);
    }

    @Test
    void itemsThatStandAloneAndTableRowsKeepTheirOwnWords() {
        Constitution c = fixture("lead-ins.md");
        assertThat(at(c, 13).text()).isEqualTo("When the customer is a minor, the assistant must ask for a parent or guardian.");
        assertThat(at(c, 19).text()).isEqualTo("Order age: under 30 days; Refund: full refund");
        assertThat(at(c, 19).kind()).isEqualTo(Clause.Kind.RULE);
    }

    @Test
    void aColonInsideASentenceOrBeforeAQuoteLeavesTheRuleARule() {
        Constitution c = fixture("lead-ins.md");
        assertThat(at(c, 38).text()).isEqualTo("When a customer is angry, stay calm and say:");
        assertThat(at(c, 38).kind()).isEqualTo(Clause.Kind.RULE);
        assertThat(at(c, 42).text()).isEqualTo("The assistant should mention the returns policy: customers often forget it exists.");
        assertThat(at(c, 42).kind()).isEqualTo(Clause.Kind.RULE);
    }

    @Test
    void descriptiveVoiceNormsAboutTheAssistantAreRules() {
        Constitution c = fixture("descriptive.md");
        assertThat(c.rules()).extracting(Clause::text).containsExactly(
                "When it is unsure, it says so and offers to check.",
                "The assistant does not guess licence keys.",
                "Harbor never shares one customer's tickets with another.",
                "It answers in the language of the ticket.",
                "In a chat about billing, Harbor points the customer to the billing portal.",
                "If a customer asks for a refund, it also explains the refund policy.");
    }

    @Test
    void descriptionsOfTheWorldOfOtherPeopleAndOfTheDocumentStayContext() {
        Constitution c = fixture("descriptive.md");
        // no tiers are declared, so nothing here is context merely for lying outside a tiered section
        assertThat(c.tiers()).extracting(Tier::id).containsExactly("default");
        assertThat(texts(c, Clause.Kind.CONTEXT)).containsExactly(
                "Harbor is the help-desk assistant of a software company.",
                "This document says how it should behave.",
                "Safety here means not helping anyone break into the systems it supports.",
                "The help desk opens at nine.",
                "The operator answers billing questions by email.",
                "The ticket system replies with an automatic receipt.",
                "Customers ask about licences most often.",
                "It takes a day to restore an archived ticket.",
                "It helps to know the ticket number.",
                "This section explains how the desk works.");
    }

    @Test
    void aNameCountsAsTheAssistantOnlyWhenTheDocumentGivesItToTheAssistant() throws IOException {
        Path f = dir.resolve("names.md");
        Files.writeString(f, "# Desk\n\nQuill is the ticketing system of the desk. Quill answers every ticket with a receipt.\n\n- Be brief.\n");
        assertThat(Compiler.compile(f).clauses()).filteredOn(x -> x.text().startsWith("Quill answers"))
                .singleElement().extracting(Clause::kind).isEqualTo(Clause.Kind.CONTEXT);
        Files.writeString(f, "# Desk\n\nQuill is the support assistant of the desk. Quill answers every ticket with a receipt.\n\n- Be brief.\n");
        assertThat(Compiler.compile(f).clauses()).filteredOn(x -> x.text().startsWith("Quill answers"))
                .singleElement().extracting(Clause::kind).isEqualTo(Clause.Kind.RULE);
    }

    @Test
    void plainTextJoinsContinuationsAndHeadsTheItemsOfALeadIn() {
        Constitution c = fixture("rules.txt");
        assertThat(c.rules()).extracting(Clause::text).containsExactly(
                "Never share one customer's tickets with another. This applies to tickets that are already closed.",
                "When it is unsure, it says so and offers to check.",
                "Before closing a ticket, the assistant must check with the customer that: the problem is solved",
                "Before closing a ticket, the assistant must check with the customer that: no refund is pending",
                "Do not reopen a ticket the customer closed.");
        assertThat(texts(c, Clause.Kind.CONTEXT)).containsExactly(
                "Harbor is the help-desk assistant of a software company.",
                "Tickets are closed by the customer.",
                "Before closing a ticket, the assistant must check with the customer that:");
    }
}
