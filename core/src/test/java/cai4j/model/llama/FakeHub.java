package cai4j.model.llama;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A local server that answers like Hugging Face: {@code /<owner>/<repo>/resolve/main/<file>}
 * redirects to a storage URL with the file's SHA-256 in {@code X-Linked-Etag} and its size in
 * {@code X-Linked-Size}; the storage URL honours HTTP ranges. Files can be told to publish a wrong
 * checksum or to cut the transfer half way.
 */
public final class FakeHub implements AutoCloseable {
    public record Hit(String path, String range, String authorization) {}

    private final HttpServer server;
    final Map<String, byte[]> files = new ConcurrentHashMap<>();
    final Map<String, String> publishedSha = new ConcurrentHashMap<>();
    final Map<String, Boolean> truncate = new ConcurrentHashMap<>();
    public final List<Hit> hits = new CopyOnWriteArrayList<>();
    private static final Pattern RESOLVE = Pattern.compile("/([^/]+)/([^/]+)/resolve/main/(.+)");

    public FakeHub() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", this::handle);
        server.start();
    }

    public String endpoint() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    public void put(String path, byte[] content) {
        files.put(path, content);
    }

    private void handle(HttpExchange ex) throws IOException {
        String path = ex.getRequestURI().getPath();
        hits.add(new Hit(path, ex.getRequestHeaders().getFirst("Range"), ex.getRequestHeaders().getFirst("Authorization")));
        Matcher m = RESOLVE.matcher(path);
        if (m.matches()) {
            String key = m.group(1) + "/" + m.group(2) + "/" + m.group(3);
            byte[] body = files.get(key);
            if (body == null) {
                ex.sendResponseHeaders(404, -1);
                ex.close();
                return;
            }
            ex.getResponseHeaders().add("Location", "/cdn/" + key);
            ex.getResponseHeaders().add("X-Linked-Etag", "\"" + publishedSha.getOrDefault(key, sha256(body)) + "\"");
            ex.getResponseHeaders().add("X-Linked-Size", String.valueOf(body.length));
            ex.sendResponseHeaders(302, -1);
            ex.close();
            return;
        }
        if (path.startsWith("/cdn/")) {
            String key = path.substring("/cdn/".length());
            byte[] body = files.get(key);
            if (body == null) {
                ex.sendResponseHeaders(404, -1);
                ex.close();
                return;
            }
            int from = 0;
            String range = ex.getRequestHeaders().getFirst("Range");
            if (range != null && range.matches("bytes=\\d+-")) from = Integer.parseInt(range.substring(6, range.length() - 1));
            if (from >= body.length && body.length > 0) {
                ex.getResponseHeaders().add("Content-Range", "bytes */" + body.length);
                ex.sendResponseHeaders(416, -1);
                ex.close();
                return;
            }
            int length = body.length - from;
            if (from > 0) {
                ex.getResponseHeaders().add("Content-Range", "bytes " + from + "-" + (body.length - 1) + "/" + body.length);
                ex.sendResponseHeaders(206, length);
            } else {
                ex.sendResponseHeaders(200, length);
            }
            OutputStream out = ex.getResponseBody();
            if (truncate.getOrDefault(key, false)) {
                out.write(body, from, length / 2);
                out.flush();
                // an exception out of the handler makes the server drop the connection, short of the announced length
                throw new IllegalStateException("transfer cut on purpose");
            }
            out.write(body, from, length);
            out.close();
            return;
        }
        ex.sendResponseHeaders(404, -1);
        ex.close();
    }

    public static String sha256(byte[] b) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
