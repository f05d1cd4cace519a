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
     * model's shape and 4 slots (bench/README.md, "The embedded run"): prompt tokens read a second
     * within the run (21: below the 34–51 of one prompt read alone), tokens generated a second with
     * 4 calls at once (18–23), and the share of prompt tokens served from the KV cache (38 %: 44,222
     * of 115,778 prompt tokens in a whole run of the example on the embedded model).
     */
    public static final LlamaSpeed DEFAULT_MODEL = new LlamaSpeed(21, 18, 0.38);

    /** Seconds to read {@code promptTokens} (less the cached share) and write {@code outputTokens} on {@code cores} cores. */
    public double seconds(long promptTokens, long outputTokens, int cores) {
        double read = promptTokens * (1 - cachedShare) / (promptTokensPerSecond * Math.max(1.0, cores / 2.0));
        return read + outputTokens / outputTokensPerSecond;
    }
}
