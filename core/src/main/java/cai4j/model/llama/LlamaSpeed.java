package cai4j.model.llama;

/**
 * How fast the embedded default model (1.5B parameters, Q4_0) works on this kind of machine, as
 * measured by {@code bench/embedded-run.sh} and {@code bench/llama-bench.sh} on 2 cores: the
 * figures behind the time a plan estimates ({@code run --dry-run}).
 *
 * <p>Reading a prompt is bound by arithmetic, so it grows with the cores; generating is bound by
 * memory bandwidth, so more cores barely help, but slots that decode together share one read
 * of the weights (on 2 cores, 4 calls at once generated about twice as many tokens a second as one). A share of the prompt tokens is served from llama.cpp's KV cache and not read again.
 *
 * @param promptTokensPerSecond prompt tokens read per second on 2 cores
 * @param outputTokensPerSecond tokens generated per second
 * @param cachedShare           share of the prompt tokens a run finds in the KV cache
 */
public record LlamaSpeed(double promptTokensPerSecond, double outputTokensPerSecond, double cachedShare) {

    /**
     * The speeds of the README's first run on 2 cores with a random-weight model of the default
     * model's shape, 4 slots and flash attention (bench/README.md, "The embedded run"): a whole run
     * of 68 calls took 2,538 s for 36,109 prompt tokens read and 8,879 answer tokens written; at the
     * 13 answer tokens a second that 4 slots write with their caches full ({@code llama-bench.sh
     * MODEL 1 full}), that is 20 prompt tokens read a second within a run (well below the 35 of one
     * prompt read alone: the slots hold long prompts, and the option scorer's threads share the cores), and
     * 24.6 % of the prompt tokens were served from the KV cache.
     */
    public static final LlamaSpeed DEFAULT_MODEL = new LlamaSpeed(20, 13, 0.25);

    /** Seconds to read {@code promptTokens} (less the cached share) and write {@code outputTokens} on {@code cores} cores. */
    public double seconds(long promptTokens, long outputTokens, int cores) {
        double read = promptTokens * (1 - cachedShare) / (promptTokensPerSecond * Math.max(1.0, cores / 2.0));
        return read + outputTokens / outputTokensPerSecond;
    }
}
