package cai4j.ledger;

import cai4j.Hash;
import cai4j.Json;
import cai4j.model.ChatRequest;
import cai4j.model.ModelSpec;
import cai4j.model.RequestJson;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;

/**
 * The content address of a call: SHA-256 of everything that determines the answer — provider,
 * model, base URL, messages, every sampling parameter, the sample index and the prompt-template
 * version — written as JSON with a fixed field order. Two calls with the same key are the same call.
 */
public final class LedgerKey {
    private LedgerKey() {}

    public static String of(ModelSpec spec, ChatRequest request) {
        ObjectNode o = Json.MAPPER.createObjectNode();
        o.put("provider", spec.provider());
        o.put("model", spec.model());
        o.put("base_url", spec.baseUrl());
        o.setAll(RequestJson.toJson(request));
        return Hash.sha256(Json.write(o));
    }
}
