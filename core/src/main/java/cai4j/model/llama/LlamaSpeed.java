package cai4j.model.llama;

/**
 * How fast the embedded default model (1.5B parameters, Q4_0) works on this kind of machine, as
 * measured by {@code bench/embedded-run.sh} and {@code bench/llama-bench.sh} on 2 cores: the
 * figures behind the time a plan estimates ({@code run --dry-run}).
 *
 * <p>Reading a prompt is bound by arithmetic, so it grows with the cores; generating is bound by
 * memory bandwidth, so more cores barely help (on 2 cores, two slots generated no faster than
 * one). A share of the prompt tokens is served from llama.cpp's KV cache and not read again.
 *
 * @param promptTokensPerSecond prompt tokens read per second on 2 cores
 * @param outputTokensPerSecond tokens generated per second
 * @param cachedShare           share of the prompt tokens a run finds in the KV cache
 */
public record LlamaSpeed(double promptTokensPerSecond, double outputTokensPerSecond, double cachedShare) {

    /**
     * The speeds measured on 2 cores with a random-weight model of the default model's shape, and the
     * cached share of the prompt tokens of the README's first run (bench/README.md, "The embedded run").
     */
    public static final LlamaSpeed DEFAULT_MODEL = new LlamaSpeed(36, 12, 0.23);

    /** Seconds to read {@code promptTokens} (less the cached share) and write {@code outputTokens} on {@code cores} cores. */
    public double seconds(long promptTokens, long outputTokens, int cores) {
        double read = promptTokens * (1 - cachedShare) / (promptTokensPerSecond * Math.max(1.0, cores / 2.0));
        return read + outputTokens / outputTokensPerSecond;
    }
}
