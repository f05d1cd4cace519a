package cai4j;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.MalformedInputException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** A clone of the repository is all a user has: nothing may point outside it. */
class SelfContainedTest {
    static final String OUTSIDE = ".." + "/shared";

    @Test
    void nothingInTheRepositoryRefersToAFolderBesideIt() throws IOException {
        List<Path> offenders;
        try (Stream<Path> files = Files.walk(Path.of("."))) {
            offenders = files.filter(Files::isRegularFile)
                    .filter(p -> !p.toString().contains("/.git/") && !p.toString().contains("/target/") && !p.toString().contains("/runs/"))
                    .filter(SelfContainedTest::mentionsOutside)
                    .toList();
        }
        assertThat(offenders).isEmpty();
    }

    @Test
    void theBundledCorpusCarriesItsLicences() {
        assertThat(Corpus.text("README.md")).contains(Corpus.HHH, Corpus.MODEL_SPEC, "Apache-2.0", "CC0 1.0", "MIT");
        assertThat(Corpus.text("licenses/Apache-2.0.txt")).contains("Apache License");
        assertThat(Corpus.text("licenses/CC0-1.0.txt")).contains("CC0");
        assertThat(Corpus.text("licenses/MIT-huggingface.txt")).contains("Hugging Face");
    }

    private static boolean mentionsOutside(Path p) {
        try {
            return Files.size(p) < 5_000_000 && Files.readString(p).contains(OUTSIDE);
        } catch (MalformedInputException e) {
            return false; // binary files
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
