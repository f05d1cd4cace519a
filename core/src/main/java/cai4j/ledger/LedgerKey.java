package cai4j.ledger;

import cai4j.Json;
import cai4j.model.ChatRequest;
import cai4j.model.ModelSpec;
import cai4j.model.RequestJson;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

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
        try {
            byte[] h = MessageDigest.getInstance("SHA-256").digest(Json.write(o).getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(h);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }
}
