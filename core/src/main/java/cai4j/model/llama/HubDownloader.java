package cai4j.model.llama;

import cai4j.InputError;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Downloads model files from a Hugging Face endpoint into the {@link ModelCache}.
 *
 * <p>Resumable: bytes go to {@code file.part}; a later run asks for the rest with an HTTP range.
 * Verified: the size must match what the server announced and, where the hub publishes it (the
 * {@code X-Linked-Etag} of an LFS file is its SHA-256), the SHA-256 must match; only then is the file
 * renamed into place and its marker written. A file that fails the checksum is deleted, so nothing
 * corrupt stays in the cache. The endpoint can be changed with {@code CAI4J_HF_ENDPOINT} (a mirror,
 * or a local server in tests); {@code HF_TOKEN}, when set, is sent for gated repositories and
 * never printed.
 */
public final class HubDownloader {
    public static final String ENDPOINT_VARIABLE = "CAI4J_HF_ENDPOINT";
    public static final String DEFAULT_ENDPOINT = "https://huggingface.co";
    private static final Pattern SHA256 = Pattern.compile("[0-9a-f]{64}");
    private static final Pattern CONTENT_RANGE = Pattern.compile("bytes (\\d+)-(\\d+)/(\\d+|\\*)");
    private static final Map<Path, Object> IN_JVM_LOCKS = new ConcurrentHashMap<>();

    private final ModelCache cache;
    private final String endpoint;
    private final Optional<String> token;
    private final HttpClient http;
    private final Duration stallTimeout;

    public HubDownloader(ModelCache cache, Map<String, String> env) {
        this(cache, env, Duration.ofSeconds(60));
    }

    /** {@code stallTimeout}: how long a transfer may deliver no bytes before it counts as cut. */
    public HubDownloader(ModelCache cache, Map<String, String> env, Duration stallTimeout) {
        this.stallTimeout = stallTimeout;
        this.cache = cache;
        String e = env.getOrDefault(ENDPOINT_VARIABLE, "");
        this.endpoint = e.isBlank() ? DEFAULT_ENDPOINT : e.strip();
        String t = env.getOrDefault("HF_TOKEN", "");
        this.token = t.isBlank() ? Optional.empty() : Optional.of(t.strip());
        // redirects are followed by hand: the hub's first answer carries the checksum headers
        this.http = HttpClient.newBuilder()
                .followRedirects(HttpClient.Redirect.NEVER)
                .connectTimeout(Duration.ofSeconds(20))
                .build();
    }

    public String url(ModelSource.HubFile source) {
        return source.url(endpoint);
    }

    /** The verified local file, downloading it first when the cache does not have it. */
    public Path fetch(ModelSource.HubFile source, Progress progress) {
        Optional<Path> done = cache.complete(source);
        if (done.isPresent()) return done.get();
        Path file = cache.fileOf(source);
        synchronized (IN_JVM_LOCKS.computeIfAbsent(file, f -> new Object())) {
            try {
                Files.createDirectories(file.getParent());
                Path lockFile = file.resolveSibling(file.getFileName() + ".lock");
                try (FileChannel lockChannel = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
                     FileLock lock = lockChannel.lock()) {
                    // another process may have finished it while we waited for the lock
                    done = cache.complete(source);
                    if (done.isPresent()) return done.get();
                    return download(source, file, progress);
                }
            } catch (IOException e) {
                throw new UncheckedIOException("cannot write the model cache at " + file.getParent(), e);
            }
        }
    }

    private Path download(ModelSource.HubFile source, Path file, Progress progress) throws IOException {
        String url = url(source);
        String spec = "llama:" + source.text();
        Path part = ModelCache.partial(file);
        for (int attempt = 0; ; attempt++) {
            long have = Files.isRegularFile(part) ? Files.size(part) : 0;
            Answer answer = open(url, spec, have);
            int status = answer.response.statusCode();
            if (status == 416 && attempt == 0) {
                // the partial file is not a prefix the server can continue: start again
                answer.response.body().close();
                Files.deleteIfExists(part);
                continue;
            }
            if (status != 200 && status != 206) {
                answer.response.body().close();
                throw statusError(spec, url, status);
            }
            long offset = 0;
            long total = answer.size;
            if (status == 206) {
                String range = answer.response.headers().firstValue("Content-Range").orElse("");
                Matcher m = CONTENT_RANGE.matcher(range);
                if (!m.matches() || Long.parseLong(m.group(1)) != have) {
                    answer.response.body().close();
                    throw new InputError("The server for " + spec + " answered a resumed download with an unusable range '" + range
                            + "'; delete " + part + " and run the command again.");
                }
                offset = have;
                if (!m.group(3).equals("*")) total = Long.parseLong(m.group(3));
            } else {
                long length = answer.response.headers().firstValueAsLong("Content-Length").orElse(-1);
                if (total < 0) total = length;
            }
            copy(answer.response.body(), part, offset, total, spec, url, progress);
            long size = Files.size(part);
            if (total >= 0 && size != total) {
                throw new InputError("The download of " + spec + " from " + url + " stopped at " + size + " of " + total
                        + " bytes; run the command again to resume it.");
            }
            String sha = sha256(part);
            if (answer.sha256.isPresent() && !answer.sha256.get().equals(sha)) {
                Files.deleteIfExists(part);
                throw new InputError("The download of " + spec + " from " + url + " does not match its published SHA-256 (expected "
                        + answer.sha256.get() + ", got " + sha + "); the file was deleted, run the command again.");
            }
            Files.move(part, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            ModelCache.writeMarker(file, url, size, sha);
            return file;
        }
    }

    /** The answer to a GET, after redirects, with what the hub said about the file on the way. */
    private record Answer(HttpResponse<InputStream> response, long size, Optional<String> sha256) {}

    private Answer open(String url, String spec, long from) {
        URI uri = URI.create(url);
        long size = -1;
        Optional<String> sha = Optional.empty();
        for (int hop = 0; hop < 10; hop++) {
            HttpRequest.Builder req = HttpRequest.newBuilder(uri).GET().timeout(Duration.ofMinutes(2))
                    .header("User-Agent", "cai4j");
            if (from > 0) req.header("Range", "bytes=" + from + "-");
            // the token goes only to the hub itself, never to the storage a redirect points at
            if (token.isPresent() && hop == 0) req.header("Authorization", "Bearer " + token.get());
            HttpResponse<InputStream> resp;
            try {
                resp = http.send(req.build(), HttpResponse.BodyHandlers.ofInputStream());
            } catch (IOException e) {
                throw offline(spec, url, e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InputError("The download of " + spec + " was interrupted.");
            }
            if (sha.isEmpty()) sha = checksum(resp);
            if (size < 0) size = resp.headers().firstValueAsLong("X-Linked-Size").orElse(-1);
            int status = resp.statusCode();
            if (status >= 300 && status < 400 && resp.headers().firstValue("Location").isPresent()) {
                try {
                    resp.body().close();
                } catch (IOException ignored) {
                    // nothing to read from a redirect
                }
                uri = uri.resolve(resp.headers().firstValue("Location").get());
                continue;
            }
            return new Answer(resp, size, sha);
        }
        throw new InputError("The download of " + spec + " from " + url + " was redirected too many times.");
    }

    private static Optional<String> checksum(HttpResponse<?> resp) {
        for (String h : new String[] {"X-Linked-Etag", "ETag"}) {
            Optional<String> v = resp.headers().firstValue(h)
                    .map(s -> s.replace("W/", "").replace("\"", "").strip().toLowerCase(Locale.ROOT))
                    .filter(s -> SHA256.matcher(s).matches());
            if (v.isPresent()) return v;
        }
        return Optional.empty();
    }

    private void copy(InputStream body, Path part, long offset, long total, String spec, String url, Progress progress)
            throws IOException {
        StandardOpenOption mode = offset > 0 ? StandardOpenOption.APPEND : StandardOpenOption.TRUNCATE_EXISTING;
        long done = offset;
        AtomicLong lastRead = new AtomicLong(System.nanoTime());
        AtomicBoolean stalled = new AtomicBoolean();
        // the HTTP client has no read timeout: a watchdog closes a body that stops delivering bytes
        ScheduledFuture<?> watchdog = WATCHDOG.scheduleAtFixedRate(() -> {
            if (System.nanoTime() - lastRead.get() > stallTimeout.toNanos() && stalled.compareAndSet(false, true)) {
                try {
                    body.close();
                } catch (IOException ignored) {
                    // the reading thread sees the closed stream
                }
            }
        }, 1, 1, TimeUnit.SECONDS);
        try (InputStream in = body;
             OutputStream out = Files.newOutputStream(part, StandardOpenOption.CREATE, StandardOpenOption.WRITE, mode)) {
            byte[] buf = new byte[1 << 16];
            int n;
            progress.update(done, total);
            while ((n = in.read(buf)) > 0) {
                lastRead.set(System.nanoTime());
                out.write(buf, 0, n);
                done += n;
                progress.update(done, total);
            }
            if (stalled.get()) throw new IOException("no data for " + stallTimeout.toSeconds() + " s");
        } catch (IOException e) {
            if (stalled.get()) e = new IOException("no data for " + stallTimeout.toSeconds() + " s", e);
            // the bytes written so far stay in the .part file for the next run to resume from
            String of = total >= 0 ? " of " + total : "";
            throw new InputError("The download of " + spec + " from " + url + " stopped at " + Files.size(part) + of
                    + " bytes (" + reason(e) + "); run the command again to resume it.", e);
        } finally {
            watchdog.cancel(false);
            progress.finish();
        }
    }

    private static final ScheduledExecutorService WATCHDOG = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "download-watchdog");
        t.setDaemon(true);
        return t;
    });

    private static String sha256(Path file) throws IOException {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            try (InputStream in = Files.newInputStream(file)) {
                byte[] buf = new byte[1 << 16];
                int n;
                while ((n = in.read(buf)) > 0) md.update(buf, 0, n);
            }
            return HexFormat.of().formatHex(md.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static InputError statusError(String spec, String url, int status) {
        String fix = "or download the file yourself and use llama:/path/to/model.gguf.";
        return switch (status) {
            case 404 -> new InputError("Model file " + spec + " was not found at " + url
                    + " (HTTP 404); check the owner, repository and file name, " + fix);
            case 401, 403 -> new InputError("Model file " + spec + " at " + url + " needs access (HTTP " + status
                    + "); accept its licence on Hugging Face and set HF_TOKEN, " + fix);
            default -> new InputError("Cannot download " + spec + " from " + url + " (HTTP " + status + "); try again later, " + fix);
        };
    }

    private static InputError offline(String spec, String url, IOException e) {
        return new InputError("Cannot download " + spec + " from " + url + " (" + reason(e)
                + "); check the network or CAI4J_HF_ENDPOINT, or download the file yourself and use llama:/path/to/model.gguf.", e);
    }

    private static String reason(IOException e) {
        String m = e.getMessage();
        return e.getClass().getSimpleName() + (m == null || m.isBlank() ? "" : ": " + m);
    }
}
