package cai4j.model.llama;

import static org.assertj.core.api.Assertions.assertThat;

import de.kherud.llama.LlamaModel;
import org.junit.jupiter.api.Test;

class GrammarBoundTest {

    @Test
    void literalsAddTheirBytesAlternativesTakeTheLongestAndRepeatsMultiply() {
        assertThat(GrammarBound.maxBytes("root ::= \"ab\" (\"c\" | \"def\") x{0,3}\nx ::= [a-z] \"é\"?\n")).isEqualTo(2 + 3 + 3 * 3);
    }

    @Test
    void aNegatedClassMayBeAFourByteCharacterAndSpacesInAClassAreCharacters() {
        assertThat(GrammarBound.maxBytes("root ::= [^\"\\\\] [ \\t]{0,2}")).isEqualTo(4 + 2);
    }

    @Test
    void openRepeatsAndRecursionHaveNoBound() {
        assertThat(GrammarBound.maxBytes("root ::= \"a\"*")).isEqualTo(GrammarBound.UNBOUNDED);
        assertThat(GrammarBound.maxBytes("root ::= [0-9]{1,}")).isEqualTo(GrammarBound.UNBOUNDED);
        assertThat(GrammarBound.maxBytes("root ::= \"(\" root? \")\"")).isEqualTo(GrammarBound.UNBOUNDED);
    }

    /** The longest text llama.cpp's grammar for {"s": a string of at most 5 characters} accepts, spelt out. */
    @Test
    void theBoundOfLlamaCppsGrammarCoversItsLongestAnswer() {
        String gbnf = LlamaModel.jsonSchemaToGrammar("""
                {"type":"object","properties":{"s":{"type":"string","maxLength":5}},"required":["s"],"additionalProperties":false}""");
        String space = "\n\n" + " ".repeat(20); // llama.cpp's longest whitespace between JSON tokens
        String longest = "{" + space + "\"s\"" + space + ":" + space + "\"" + "\\u00e9".repeat(5) + "\"" + space + "}" + space;
        assertThat(GrammarBound.maxBytes(gbnf)).isGreaterThanOrEqualTo(longest.length()).isLessThan(longest.length() + 40);
    }

    @Test
    void aGrammarWhoseLongestAnswerDoesNotFitItsRoomHasItsStringsShortenedUntilItDoes() {
        String schema = """
                {"type":"object","properties":{"a":{"type":"string","x-embedded-maxLength":2000},"b":{"type":"string"}},
                 "required":["a","b"],"additionalProperties":false}""";
        SchemaCaps.Bounded roomy = SchemaCaps.grammar(schema, 100_000, LlamaModel::jsonSchemaToGrammar);
        SchemaCaps.Bounded tight = SchemaCaps.grammar(schema, 3000, LlamaModel::jsonSchemaToGrammar);
        assertThat(roomy.maxTokens()).hasValue((int) GrammarBound.maxBytes(roomy.gbnf()) + 1);
        assertThat(roomy.maxTokens().getAsInt()).isGreaterThan(2000 * 6);
        assertThat(tight.maxTokens()).hasValue((int) GrammarBound.maxBytes(tight.gbnf()) + 1);
        assertThat(tight.maxTokens().getAsInt()).isLessThanOrEqualTo(3000);
    }

    @Test
    void aGrammarWithoutABoundLeavesTheRequestsMaxTokensToEndTheAnswer() {
        // a pattern is the stage's own bound on a string, and this one has none
        String open = "{\"type\":\"object\",\"properties\":{\"code\":{\"type\":\"string\",\"pattern\":\"^[a-z]+$\"}},\"required\":[\"code\"]}";
        assertThat(SchemaCaps.grammar(open, 4000, LlamaModel::jsonSchemaToGrammar).maxTokens()).isEmpty();
    }
}
