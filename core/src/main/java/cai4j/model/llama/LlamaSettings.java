package cai4j.model.llama;

import cai4j.InputError;
import java.util.Map;

/**
 * How the embedded model uses the machine.
 *
 * @param slots          requests generated at the same time (llama.cpp's parallel slots, batched
 *                       together in one forward pass); also the size of the generation pool
 * @param threads        CPU threads llama.cpp computes with
 * @param contextPerSlot tokens of prompt plus answer one request may use
 * @param flashAttention whether attention runs as llama.cpp's flash attention: each token is scored
 *                       against its own slot's cells, in half precision
 */
public record LlamaSettings(int slots, int threads, int contextPerSlot, boolean flashAttention) {

    public LlamaSettings {
        if (slots < 1 || threads < 1 || contextPerSlot < 64) throw new IllegalArgumentException("invalid llama settings");
    }

    static final int DEFAULT_SLOTS = 4;

    /**
     * Defaults, each overridable: CAI4J_LLAMA_SLOTS (default 4: generating is bound by memory
     * bandwidth, and slots decode together in one pass that reads the weights once, so on 2 idle
     * cores 4 calls at once generated 23 tokens a second in total against 10 for one call, and 8
     * slots no more than 4; each slot keeps its own prompt cache, so more slots split it further),
     * CAI4J_LLAMA_THREADS (default: the available processors), CAI4J_LLAMA_CONTEXT (default 8192: a scenario repair request carries the constitution and a long broken answer),
     * CAI4J_LLAMA_FLASH_ATTENTION (default 1: once the slots hold long prompts, 1.3 times faster in
     * reading and generating on 2 cores; 0 makes calls decoded together give exactly the text each
     * gives alone, since flash attention sums in half precision in the order the shared cache holds).
     */
    public static LlamaSettings from(Map<String, String> env) {
        int cores = Runtime.getRuntime().availableProcessors();
        return new LlamaSettings(
                positive(env, "CAI4J_LLAMA_SLOTS", DEFAULT_SLOTS),
                positive(env, "CAI4J_LLAMA_THREADS", cores),
                positive(env, "CAI4J_LLAMA_CONTEXT", 8192),
                flag(env, "CAI4J_LLAMA_FLASH_ATTENTION", true));
    }

    private static boolean flag(Map<String, String> env, String name, boolean fallback) {
        return switch (env.getOrDefault(name, "").strip()) {
            case "" -> fallback;
            case "1" -> true;
            case "0" -> false;
            default -> throw new InputError("The environment variable " + name + " must be 1 or 0, not '" + env.get(name).strip() + "'.");
        };
    }

    private static int positive(Map<String, String> env, String name, int fallback) {
        String v = env.getOrDefault(name, "").strip();
        if (v.isEmpty()) return fallback;
        try {
            int n = Integer.parseInt(v);
            if (n > 0) return n;
        } catch (NumberFormatException ignored) {
            // reported below
        }
        throw new InputError("The environment variable " + name + " must be a positive whole number, not '" + v + "'.");
    }
}
