package cai4j.cli;

import cai4j.Json;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

/**
 * Headless Chromium driven over the DevTools protocol on its remote-debugging WebSocket, with the
 * JDK's own WebSocket client: open a page, evaluate script, click at a point with real input
 * events, take screenshots, and collect console errors, exceptions and dialogs.
 */
final class Chromium implements AutoCloseable {
    static final Path BINARY = Path.of(System.getenv().getOrDefault("CHROMIUM", "/usr/bin/chromium"));

    private final Process process;
    private final WebSocket socket;
    private final String session;
    private final AtomicInteger ids = new AtomicInteger();
    private final Map<Integer, CompletableFuture<JsonNode>> pending = new ConcurrentHashMap<>();
    private final List<JsonNode> events = new ArrayList<>();

    static boolean available() {
        return Files.isExecutable(BINARY);
    }

    /**
     * Skips the calling test, with a message on stderr, when Chromium is missing; in CI
     * ({@code CI=true}) a missing browser fails the test instead, so that it is never skipped unseen.
     */
    static void requireOrSkip() {
        if (available()) return;
        String why = "Chromium is not installed at " + BINARY + " (apt-get install chromium, or set CHROMIUM to its path)";
        if ("true".equalsIgnoreCase(System.getenv("CI"))) throw new AssertionError(why + "; CI=true, so the browser test cannot be skipped.");
        System.err.println("SKIPPED: " + why + "; the browser test of the report is skipped.");
        org.junit.jupiter.api.Assumptions.abort(why);
    }

    Chromium(Path profile, int width, int height) throws Exception {
        Files.createDirectories(profile);
        process = new ProcessBuilder(BINARY.toString(), "--headless", "--no-sandbox", "--disable-gpu",
                "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run",
                "--disable-default-apps", "--hide-scrollbars", "--user-data-dir=" + profile, "--remote-debugging-port=0",
                "--window-size=" + width + "," + height, "about:blank")
                .redirectErrorStream(true).redirectOutput(profile.resolve("chromium.log").toFile()).start();
        // Chromium writes the port it picked, and the browser endpoint's path, into the profile
        Path active = profile.resolve("DevToolsActivePort");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        List<String> lines = List.of();
        while (System.nanoTime() < deadline) {
            if (Files.exists(active)) {
                lines = Files.readAllLines(active);
                if (lines.size() >= 2) break;
            }
            if (!process.isAlive()) throw new IOException("chromium exited: " + Files.readString(profile.resolve("chromium.log")));
            Thread.sleep(50);
        }
        if (lines.size() < 2) throw new IOException("chromium did not open its DevTools port within 60 s");
        URI uri = URI.create("ws://127.0.0.1:" + lines.get(0).strip() + lines.get(1).strip());
        socket = HttpClient.newHttpClient().newWebSocketBuilder().connectTimeout(Duration.ofSeconds(20))
                .buildAsync(uri, new Listener()).get(20, TimeUnit.SECONDS);
        String targetId = "";
        for (JsonNode t : send(null, "Target.getTargets", Json.MAPPER.createObjectNode()).path("targetInfos")) {
            if (t.path("type").asText().equals("page")) targetId = t.path("targetId").asText();
        }
        if (targetId.isEmpty()) targetId = send(null, "Target.createTarget", obj("url", "about:blank")).path("targetId").asText();
        ObjectNode attach = obj("targetId", targetId);
        attach.put("flatten", true);
        session = send(null, "Target.attachToTarget", attach).path("sessionId").asText();
        for (String domain : List.of("Page", "Runtime", "Log")) call(domain + ".enable", Json.MAPPER.createObjectNode());
        ObjectNode metrics = Json.MAPPER.createObjectNode();
        metrics.put("width", width).put("height", height).put("deviceScaleFactor", 1).put("mobile", false);
        call("Emulation.setDeviceMetricsOverride", metrics);
    }

    /** A command on the page. */
    JsonNode call(String method, ObjectNode params) {
        return send(session, method, params);
    }

    private JsonNode send(String sessionId, String method, ObjectNode params) {
        int id = ids.incrementAndGet();
        ObjectNode msg = Json.MAPPER.createObjectNode();
        msg.put("id", id).put("method", method).set("params", params);
        if (sessionId != null) msg.put("sessionId", sessionId);
        CompletableFuture<JsonNode> answer = new CompletableFuture<>();
        pending.put(id, answer);
        socket.sendText(Json.write(msg), true).join();
        try {
            JsonNode r = answer.get(60, TimeUnit.SECONDS);
            if (r.has("error")) throw new IllegalStateException(method + " failed: " + r.get("error"));
            return r.path("result");
        } catch (Exception e) {
            if (e instanceof IllegalStateException ise) throw ise;
            throw new IllegalStateException(method + " got no answer", e);
        }
    }

    /** Opens a URL and waits for its load event. */
    void open(String url) throws InterruptedException {
        int before = eventCount();
        call("Page.navigate", obj("url", url));
        awaitEvent(before, e -> e.path("method").asText().equals("Page.loadEventFired"), 60);
    }

    /** Evaluates an expression in the page and returns its value (promises are awaited). */
    JsonNode eval(String expression) {
        ObjectNode p = obj("expression", expression);
        p.put("returnByValue", true).put("awaitPromise", true);
        JsonNode r = call("Runtime.evaluate", p);
        if (r.has("exceptionDetails")) throw new IllegalStateException("script failed: " + r.get("exceptionDetails"));
        return r.path("result").path("value");
    }

    /** A left click at a point of the viewport, as a person's mouse makes it. */
    void click(double x, double y) {
        for (String type : List.of("mouseMoved", "mousePressed", "mouseReleased")) {
            ObjectNode p = obj("type", type);
            p.put("x", x).put("y", y);
            if (!type.equals("mouseMoved")) p.put("button", "left").put("clickCount", 1);
            else p.put("button", "none");
            call("Input.dispatchMouseEvent", p);
        }
    }

    /** Clicks the middle of the element a CSS selector picks, after scrolling it into view. */
    void clickElement(String selector) {
        JsonNode r = eval("(function(){var e=document.querySelector(" + Json.write(selector) + ");if(!e)return null;"
                + "e.scrollIntoView({block:'center'});var b=e.getBoundingClientRect();return {x:b.left+b.width/2,y:b.top+b.height/2};})()");
        if (r.isNull() || r.isMissingNode()) throw new IllegalStateException("no element matches " + selector);
        click(r.path("x").asDouble(), r.path("y").asDouble());
    }

    /** A PNG of the whole page, as tall as its content (capped). */
    byte[] screenshot(int width, int maxHeight) {
        // measured in a short viewport: the document is never shorter than the viewport it is in
        ObjectNode probe = Json.MAPPER.createObjectNode();
        probe.put("width", width).put("height", 400).put("deviceScaleFactor", 1).put("mobile", false);
        call("Emulation.setDeviceMetricsOverride", probe);
        int height = Math.min(maxHeight, eval("Math.ceil(document.documentElement.scrollHeight)").asInt());
        ObjectNode metrics = Json.MAPPER.createObjectNode();
        metrics.put("width", width).put("height", height).put("deviceScaleFactor", 1).put("mobile", false);
        call("Emulation.setDeviceMetricsOverride", metrics);
        eval("new Promise(function(r){window.dispatchEvent(new Event('resize'));requestAnimationFrame(function(){requestAnimationFrame(r);});})");
        ObjectNode p = obj("format", "png");
        p.put("captureBeyondViewport", false);
        return Base64.getDecoder().decode(call("Page.captureScreenshot", p).path("data").asText());
    }

    /** Console errors, uncaught exceptions, failed loads and dialogs seen so far. */
    List<String> errors() {
        List<String> out = new ArrayList<>();
        synchronized (events) {
            for (JsonNode e : events) {
                JsonNode p = e.path("params");
                switch (e.path("method").asText()) {
                    case "Runtime.exceptionThrown" -> out.add("exception: " + p.path("exceptionDetails"));
                    case "Runtime.consoleAPICalled" -> {
                        String type = p.path("type").asText();
                        if (type.equals("error") || type.equals("assert")) out.add("console." + type + ": " + p.path("args"));
                    }
                    case "Log.entryAdded" -> {
                        if (p.path("entry").path("level").asText().equals("error")) out.add("log: " + p.path("entry").path("text").asText());
                    }
                    case "Page.javascriptDialogOpening" -> out.add("dialog: " + p.path("type").asText() + " " + p.path("message").asText());
                    default -> { }
                }
            }
        }
        return out;
    }

    private int eventCount() {
        synchronized (events) {
            return events.size();
        }
    }

    private void awaitEvent(int from, Predicate<JsonNode> wanted, int seconds) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (System.nanoTime() < deadline) {
            synchronized (events) {
                for (int i = from; i < events.size(); i++) if (wanted.test(events.get(i))) return;
                events.wait(100);
            }
        }
        throw new IllegalStateException("the page did not load within " + seconds + " s");
    }

    private static ObjectNode obj(String key, String value) {
        ObjectNode o = Json.MAPPER.createObjectNode();
        o.put(key, value);
        return o;
    }

    @Override
    public void close() {
        try {
            socket.sendClose(WebSocket.NORMAL_CLOSURE, "done").get(5, TimeUnit.SECONDS);
        } catch (Exception e) {
            // the browser is stopped below either way
        }
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private final class Listener implements WebSocket.Listener {
        private final StringBuilder partial = new StringBuilder();

        @Override
        public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                String text = partial.toString();
                partial.setLength(0);
                try {
                    JsonNode msg = Json.MAPPER.readTree(text);
                    if (msg.has("id")) {
                        CompletableFuture<JsonNode> f = pending.remove(msg.get("id").asInt());
                        if (f != null) f.complete(msg);
                    } else {
                        synchronized (events) {
                            events.add(msg);
                            events.notifyAll();
                        }
                    }
                } catch (IOException e) {
                    throw new IllegalStateException("DevTools sent a message that is not JSON", e);
                }
            }
            ws.request(1);
            return null;
        }
    }
}
