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

    /**
     * Stands for the base URL of a spec with several replicas: they serve one model, so which of
     * them answered, and which were listed, does not change the answer.
     */
    static final String REPLICAS = "(replicas)";

    public static String of(ModelSpec spec, ChatRequest request) {
        return of(spec, spec.replicated() ? REPLICAS : spec.baseUrl(), request);
    }

    /**
     * The keys under which an answer to this call may be recorded, the call's own key first: a
     * single-URL spec also finds what a run over replicas recorded, and a spec with replicas also
     * finds what a run on any one of its URLs recorded, so changing the replica list replays.
     */
    public static java.util.List<String> candidates(ModelSpec spec, ChatRequest request) {
        java.util.List<String> keys = new java.util.ArrayList<>();
        keys.add(of(spec, request));
        if (spec.replicated()) {
            for (String url : spec.baseUrls()) keys.add(of(spec, url, request));
        } else if (!spec.baseUrl().isEmpty()) {
            keys.add(of(spec, REPLICAS, request));
        }
        return keys;
    }

    private static String of(ModelSpec spec, String baseUrl, ChatRequest request) {
        ObjectNode o = Json.MAPPER.createObjectNode();
        o.put("provider", spec.provider());
        o.put("model", spec.model());
        o.put("base_url", baseUrl);
        o.setAll(RequestJson.toJson(request));
        return Hash.sha256(Json.write(o));
    }
}
