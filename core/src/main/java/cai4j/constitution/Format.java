package cai4j.constitution;

/**
 * One way a constitution can be written. Formats form a small registry in {@link Compiler}; the
 * first that accepts a source reads it.
 */
interface Format {
    boolean accepts(Source source);

    Draft read(Source source);

    /**
     * The document as a model should read it (see {@link ConstitutionPrompt}), without what only
     * the compiler reads; "" when the format is data rather than prose, so its principles are
     * listed instead.
     */
    default String asWritten(Source source) {
        return "";
    }
}
