package cai4j.model.llama;

import cai4j.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The folder downloaded models live in: {@code $CAI4J_HOME/models}, where CAI4J_HOME defaults to
 * {@code ~/.cache/cai4j}. A hub file {@code owner/repo/file} is stored at
 * {@code models/owner/repo/file}; next to it, {@code file.complete} (JSON: url, size, sha256, time)
 * says that the download finished and was verified, and {@code file.part} holds an unfinished one.
 * A model file without its marker is never used.
 */
public record ModelCache(Path home) {

    public static final String HOME_VARIABLE = "CAI4J_HOME";

    /** What the marker file records about a finished download. */
    public record Marker(String url, long size, String sha256, String finished) {}

    /** One model in the cache, finished or not. */
    public record Entry(ModelSource.HubFile source, Path file, long bytes, boolean complete) {
        public String spec() {
            return "llama:" + source.text();
        }
    }

    public static ModelCache from(Map<String, String> env) {
        String h = env.getOrDefault(HOME_VARIABLE, "");
        Path home = h.isBlank() ? Path.of(System.getProperty("user.home"), ".cache", "cai4j") : Path.of(h);
        return new ModelCache(home.toAbsolutePath());
    }

    public Path models() {
        return home.resolve("models");
    }

    public Path fileOf(ModelSource.HubFile source) {
        return models().resolve(source.owner()).resolve(source.repo()).resolve(source.file());
    }

    static Path marker(Path file) {
        return file.resolveSibling(file.getFileName() + ".complete");
    }

    static Path partial(Path file) {
        return file.resolveSibling(file.getFileName() + ".part");
    }

    /** The verified local file of a hub model, if it was downloaded completely. */
    public Optional<Path> complete(ModelSource.HubFile source) {
        Path f = fileOf(source);
        return Files.isRegularFile(f) && Files.isRegularFile(marker(f)) ? Optional.of(f) : Optional.empty();
    }

    static void writeMarker(Path file, String url, long size, String sha256) {
        Json.writeAtomically(marker(file), Json.pretty(new Marker(url, size, sha256, Instant.now().toString())) + "\n");
    }

    /** Every model file in the cache (finished or partial), sorted by spec. */
    public List<Entry> list() {
        List<Entry> out = new ArrayList<>();
        Path root = models();
        if (!Files.isDirectory(root)) return out;
        try (Stream<Path> files = Files.walk(root)) {
            files.filter(Files::isRegularFile).forEach(f -> {
                String name = f.getFileName().toString();
                if (name.endsWith(".complete") || name.endsWith(".lock") || name.endsWith(".tmp")) return;
                Path rel = root.relativize(f);
                if (rel.getNameCount() < 3) return;
                boolean partial = name.endsWith(".part");
                Path model = partial ? f.resolveSibling(name.substring(0, name.length() - ".part".length())) : f;
                Path relModel = root.relativize(model);
                String file = relModel.subpath(2, relModel.getNameCount()).toString().replace('\\', '/');
                var source = new ModelSource.HubFile(relModel.getName(0).toString(), relModel.getName(1).toString(), file);
                try {
                    out.add(new Entry(source, model, Files.size(f), !partial && Files.isRegularFile(marker(model))));
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + root, e);
        }
        out.sort((a, b) -> a.spec().compareTo(b.spec()));
        return out;
    }
}
