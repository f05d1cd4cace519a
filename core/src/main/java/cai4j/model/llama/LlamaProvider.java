package cai4j.model.llama;

import cai4j.InputError;
import cai4j.model.LanguageModel;
import cai4j.model.ModelProvider;
import cai4j.model.ModelSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * The {@code llama:} provider: GGUF models run inside the JVM by llama.cpp, the default for every
 * role ({@link ModelSpec#DEFAULT}). Specs are {@code llama:<owner>/<repo>/<file>.gguf} (downloaded
 * from Hugging Face into the {@link ModelCache} on first use) or {@code llama:/path/to/model.gguf}.
 */
public final class LlamaProvider implements ModelProvider {

    @Override
    public String name() {
        return "llama";
    }

    @Override
    public LanguageModel open(ModelSpec spec, Map<String, String> env) {
        if (!spec.baseUrl().isEmpty()) {
            throw new InputError("The llama provider runs models in this process and takes no URL: remove '@" + spec.baseUrl() + "' from " + spec + ".");
        }
        LlamaSettings settings = LlamaSettings.from(env);
        Path file = resolve(spec, env, Progress.bar("downloading " + spec));
        NativeRuntime.load(ModelCache.from(env).home());
        return new LlamaLanguageModel(spec, file, settings);
    }

    /** The local GGUF file of a spec, downloaded into the cache first when it names a hub file not yet there. */
    public static Path resolve(ModelSpec spec, Map<String, String> env, Progress progress) {
        if (!spec.provider().equals("llama")) throw new IllegalArgumentException("not a llama spec: " + spec);
        return switch (ModelSource.parse(spec.model())) {
            case ModelSource.LocalFile local -> {
                Path p = local.path().toAbsolutePath();
                if (!Files.isRegularFile(p)) {
                    throw new InputError("The model file " + p + " (from " + spec + ") does not exist.");
                }
                yield p;
            }
            case ModelSource.HubFile hub -> new HubDownloader(ModelCache.from(env), env).fetch(hub, progress);
        };
    }
}
