package cai4j.model;

/** Tokens billed for one call; cachedTokens is the part of inputTokens read from a prompt cache. */
public record Usage(long inputTokens, long outputTokens, long cachedTokens) {
    public static final Usage NONE = new Usage(0, 0, 0);

    public Usage plus(Usage other) {
        return new Usage(inputTokens + other.inputTokens, outputTokens + other.outputTokens,
                cachedTokens + other.cachedTokens);
    }
}
