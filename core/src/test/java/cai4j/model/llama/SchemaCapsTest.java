package cai4j.model.llama;

import static org.assertj.core.api.Assertions.assertThat;

import cai4j.Json;
import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

class SchemaCapsTest {

    @Test
    void boundsFreeStringsAndArraysAndLeavesBoundedOnesAlone() throws Exception {
        JsonNode s = Json.MAPPER.readTree(SchemaCaps.apply("""
                {"type":"object","properties":{
                  "free":{"type":"string"},
                  "short":{"type":"string","maxLength":20},
                  "choice":{"type":"string","enum":["a","b"]},
                  "list":{"type":"array","items":{"type":"object","properties":{"text":{"type":"string"}}}},
                  "many":{"type":"array","minItems":12,"items":{"type":"integer"}}}}"""));
        JsonNode p = s.get("properties");
        assertThat(p.get("free").get("maxLength").asInt()).isEqualTo(SchemaCaps.STRING_CHARS);
        assertThat(p.get("short").get("maxLength").asInt()).isEqualTo(20);
        assertThat(p.get("choice").has("maxLength")).isFalse();
        assertThat(p.get("list").get("maxItems").asInt()).isEqualTo(SchemaCaps.ARRAY_ITEMS);
        assertThat(p.get("list").get("items").get("properties").get("text").get("maxLength").asInt()).isEqualTo(SchemaCaps.STRING_CHARS);
        assertThat(p.get("many").get("maxItems").asInt()).as("never fewer than the schema requires").isEqualTo(12);
    }
}
