package cai4j;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * The documents and labelled sets written outside this project that it ships (the repository's
 * {@code corpus/} folder, with their origins and licences): carried in the jar under
 * {@code /cai4j/corpus/}, so that defaults such as the judge's calibration set need no file.
 */
public final class Corpus {
    /** The 438 labelled helpful / honest / harmless comparisons (BIG-bench {@code hhh_alignment}, Apache-2.0). */
    public static final String HHH = "hhh-alignment-438.jsonl";
    /** OpenAI's Model Spec of 2025-12-18 (CC0 1.0). */
    public static final String MODEL_SPEC = "openai-model-spec-2025-12-18.md";

    private Corpus() {}

    /** The text of a bundled file, by its name in {@code corpus/}. */
    public static String text(String name) {
        try (InputStream in = Corpus.class.getResourceAsStream("/cai4j/corpus/" + name)) {
            if (in == null) throw new IllegalStateException("the bundled corpus file " + name + " is missing from the jar");
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
