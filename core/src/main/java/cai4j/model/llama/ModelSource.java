package cai4j.model.llama;

import cai4j.InputError;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Where a GGUF file comes from, read from the model part of a {@code llama:} spec.
 *
 * <ul>
 *   <li>{@code llama:/abs/model.gguf}, {@code llama:./rel.gguf}, {@code llama:~/m.gguf}, or any path that
 *       exists: a {@link LocalFile};</li>
 *   <li>{@code llama:<owner>/<repo>/<file>.gguf} (the file may sit in a folder of the repository):
 *       a {@link HubFile} on Hugging Face, downloaded into the cache on first use.</li>
 * </ul>
 */
public sealed interface ModelSource {

    /** The spec text this source was read from, without the {@code llama:} prefix. */
    String text();

    record LocalFile(Path path) implements ModelSource {
        @Override
        public String text() {
            return path.toString();
        }
    }

    /** A file in the main branch of a Hugging Face model repository. */
    record HubFile(String owner, String repo, String file) implements ModelSource {
        @Override
        public String text() {
            return owner + "/" + repo + "/" + file;
        }

        /** The download URL under a hub endpoint such as {@code https://huggingface.co}. */
        public String url(String endpoint) {
            String base = endpoint.endsWith("/") ? endpoint.substring(0, endpoint.length() - 1) : endpoint;
            return base + "/" + owner + "/" + repo + "/resolve/main/" + file;
        }
    }

    static ModelSource parse(String model) {
        String m = model.strip();
        if (m.isEmpty()) throw new InputError("The llama model spec is empty; give llama:<owner>/<repo>/<file>.gguf or llama:/path/to/model.gguf.");
        if (m.startsWith("~/")) return new LocalFile(Path.of(System.getProperty("user.home"), m.substring(2)));
        boolean pathLike = m.startsWith("/") || m.startsWith("./") || m.startsWith("../") || m.startsWith(".\\")
                || m.matches("^[A-Za-z]:[\\\\/].*");
        if (pathLike || Files.exists(Path.of(m))) return new LocalFile(Path.of(m));
        String[] parts = m.split("/", 3);
        if (parts.length == 3 && !parts[0].isEmpty() && !parts[1].isEmpty() && !parts[2].isEmpty()) {
            for (String seg : m.split("/")) {
                if (seg.isEmpty() || seg.equals(".") || seg.equals("..")) {
                    throw new InputError("The llama model spec 'llama:" + m + "' has an empty or relative segment; write llama:<owner>/<repo>/<file>.gguf.");
                }
            }
            return new HubFile(parts[0], parts[1], parts[2]);
        }
        return new LocalFile(Path.of(m));
    }
}
