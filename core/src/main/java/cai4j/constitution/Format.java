package cai4j.constitution;

/**
 * One way a constitution can be written. Formats form a small registry in {@link Compiler}; the
 * first that accepts a source reads it.
 */
interface Format {
    boolean accepts(Source source);

    Draft read(Source source);
}
