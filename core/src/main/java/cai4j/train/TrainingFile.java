package cai4j.train;

import java.util.Optional;

/**
 * One exported training file and, once uploaded, its id on the provider. A file is known by its
 * SHA-256: the same bytes are never uploaded twice, whatever path they were exported to.
 *
 * @param method   the method whose data it holds
 * @param path     where it was exported
 * @param sha256   the SHA-256 of its bytes
 * @param examples its lines
 * @param tokens   its estimated tokens (about four characters a token), once per epoch
 * @param fileId   the provider's file id, once uploaded
 */
public record TrainingFile(Method method, String path, String sha256, long examples, long tokens, Optional<String> fileId) {

    public TrainingFile withFileId(String id) {
        return new TrainingFile(method, path, sha256, examples, tokens, Optional.of(id));
    }
}
