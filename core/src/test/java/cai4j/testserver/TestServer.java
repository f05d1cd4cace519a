package cai4j.testserver;

import cai4j.Json;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;

/**
 * A local HTTP server that speaks the OpenAI chat-completions ({@code POST /v1/chat/completions})
 * and Anthropic messages ({@code POST /v1/messages}) wire protocols, for tests and benchmarks that
 * must not reach the network. Raw sockets, so that it can also cut a connection or truncate a body.
 *
 * <pre>{@code
 * try (TestServer server = TestServer.start()
 *         .answering(call -> "You said: " + call.lastUser())       // scripted answers
 *         .faults(TestServer.randomTransientFaults(0.10, 42))       // per-request faults
 *         .rpmLimit(600)) {                                          // 429 + Retry-After + x-ratelimit-*
 *     String spec = server.openAiSpec("gpt-test");                  // openai:gpt-test@http://127.0.0.1:PORT/v1
 *     ...
 * }
 * }</pre>
 *
 * Every answer carries {@code x-ratelimit-*} headers (OpenAI) or {@code anthropic-ratelimit-*}
 * headers when an RPM limit is set. Prompt caching is simulated as the providers describe it:
 * Anthropic caches the system blocks up to the last one marked {@code cache_control}, reported as
 * cache writes the first time and cache reads afterwards; OpenAI reports as
 * {@code cached_tokens} the longest prefix of the prompt (in {@value #CACHE_UNIT}-character units,
 * characters / 4 as tokens) that an earlier request to the same model began with.
 * OpenAI's file and batch endpoints are served too, under the test's control: see {@link #batches()}.
 */
public final class TestServer implements AutoCloseable {
    private final ServerSocket socket;
    private final Set<Socket> open = ConcurrentHashMap.newKeySet();
    private final AtomicLong seq = new AtomicLong();
    private final AtomicInteger received = new AtomicInteger();
    private final AtomicInteger answered = new AtomicInteger();
    private final AtomicInteger refused429 = new AtomicInteger();
    private final AtomicInteger faulted = new AtomicInteger();
    private final AtomicInteger connections = new AtomicInteger();
    private final List<Call> calls = Collections.synchronizedList(new ArrayList<>());
    private final List<Call> answeredCalls = Collections.synchronizedList(new ArrayList<>());
    private final Set<String> cachedSystems = ConcurrentHashMap.newKeySet();
    /** Characters per unit of OpenAI's simulated prefix cache (its 128-token steps, made small for short test prompts). */
    static final int CACHE_UNIT = 64;
    private final Set<String> cachedPrefixes = ConcurrentHashMap.newKeySet();
    private final Map<Long, Long> cachedTokens = new ConcurrentHashMap<>();
    private final Map<Long, Long> answeredNanos = new ConcurrentHashMap<>();
    private volatile Function<Call, Answer> answers = c -> Answer.text("Answer to: " + c.lastUser());
        private volatile Function<Call, Fault> faults = c -> Fault.none();
    private volatile Duration latency = Duration.ZERO;
    private volatile boolean recording = true;
    private volatile String requiredKey = null;
    private volatile int rpm = 0;
    private final FineTuningEndpoints fineTuning = new FineTuningEndpoints();
    private final Batches batches = new Batches(c -> openAiAnswer(c, answers.apply(c)), c -> anthropicAnswer(c, answers.apply(c)), fineTuning);
    private double rpmTokens;
    private long rpmLastNanos;

    private TestServer() throws IOException {
        socket = new ServerSocket(0, 1024, InetAddress.getLoopbackAddress());
        Thread.ofVirtual().name("test-server-accept").start(this::acceptLoop);
    }

    /** Starts a server on a free port of 127.0.0.1. */
    public static TestServer start() {
        try {
            return new TestServer();
        } catch (IOException e) {
            throw new IllegalStateException("cannot start the test server", e);
        }
    }

    public int port() { return socket.getLocalPort(); }

    /** The base URL for OpenAI clients: {@code http://127.0.0.1:PORT/v1}. */
    public String openAiBaseUrl() { return "http://127.0.0.1:" + port() + "/v1"; }

    /** The base URL for Anthropic clients: {@code http://127.0.0.1:PORT}. */
    public String anthropicBaseUrl() { return "http://127.0.0.1:" + port(); }

    /** A model spec string that reaches this server with the OpenAI provider. */
    /**
     * An OpenAI base URL on a local port where nothing listens, so a connection to it is refused
     * at once: the port was bound and released, and the system hands it out again only much later.
     */
    public static String refusedBaseUrl() {
        try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return "http://127.0.0.1:" + s.getLocalPort() + "/v1";
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    public String openAiSpec(String model) { return "openai:" + model + "@" + openAiBaseUrl(); }

    /** A model spec string that reaches this server with the Anthropic provider. */
    public String anthropicSpec(String model) { return "anthropic:" + model + "@" + anthropicBaseUrl(); }

    /** Scripts the answer text per call (the default echoes the last user message). */
    public TestServer answering(Function<Call, String> text) {
        this.answers = c -> Answer.text(text.apply(c));
        return this;
    }

    /** Scripts the whole answer per call, with logprobs. */
    public TestServer answeringWith(Function<Call, Answer> answers) {
        this.answers = answers;
        return this;
    }

    /** Scripts a fault per call. */
    public TestServer faults(Function<Call, Fault> plan) {
        this.faults = plan;
        return this;
    }

    /** Waits this long before every answer. */
    public TestServer latency(Duration d) {
        this.latency = d;
        return this;
    }

    /** Limits requests per minute: a token bucket of one second's worth, 429 with Retry-After beyond it. */
    public synchronized TestServer rpmLimit(int rpm) {
        this.rpm = rpm;
        this.rpmTokens = Math.max(1, rpm / 60.0);
        this.rpmLastNanos = System.nanoTime();
        return this;
    }

    /** Answers 401 to any key but this one. */
    public TestServer requireKey(String key) {
        this.requiredKey = key;
        return this;
    }

    /** Stops keeping every call (for benchmarks with millions of calls); counts are still kept. */
    public TestServer recording(boolean on) {
        this.recording = on;
        return this;
    }

    /** A fault plan that gives each call, with probability {@code rate}, one of the transient faults. */
    public static Function<Call, Fault> randomTransientFaults(double rate, long seed) {
        Random random = new Random(seed);
        List<Fault> kinds = List.of(Fault.serverError(), Fault.unavailable(), Fault.cut(), Fault.truncate(),
                Fault.rateLimited(Duration.ofMillis(200)));
        return c -> {
            synchronized (random) {
                return random.nextDouble() < rate ? kinds.get(random.nextInt(kinds.size())) : Fault.none();
            }
        };
    }

    /** The fine-tuning API (files and jobs), its job outcomes and counters. */
    public FineTuningEndpoints fineTuning() { return fineTuning; }

    /** Requests received, answered or not. */
    public int received() { return received.get(); }

    /** Requests answered with a completion (the ones a provider would bill). */
    public int answered() { return answered.get(); }

    /** Requests refused with 429 by the RPM limit. */
    public int refused429() { return refused429.get(); }

    /** Requests given a scripted fault. */
    public int faulted() { return faulted.get(); }

    /** TCP connections accepted (a client that reuses its connections opens few). */
    public int connections() { return connections.get(); }

    /** Every call received, in arrival order (while recording). */
    public List<Call> calls() {
        synchronized (calls) {
            return List.copyOf(calls);
        }
    }

    /** Every call answered with a completion, in the order the answers were sent (while recording). */
    public List<Call> answeredCalls() {
        synchronized (answeredCalls) {
            return List.copyOf(answeredCalls);
        }
    }

    private void acceptLoop() {
        while (!socket.isClosed()) {
            try {
                Socket s = socket.accept();
                s.setTcpNoDelay(true);
                connections.incrementAndGet();
                open.add(s);
                Thread.ofVirtual().start(() -> serve(s));
            } catch (IOException e) {
                return; // closed
            }
        }
    }

    private void serve(Socket s) {
        try (s; InputStream in = new BufferedInputStream(s.getInputStream()); OutputStream out = s.getOutputStream()) {
            while (true) {
                Request r = Request.read(in);
                if (r == null) return;
                if (!handle(r, out)) return;
                if ("close".equalsIgnoreCase(r.headers.get("connection"))) return;
            }
        } catch (IOException e) {
            // the client went away
        } finally {
            open.remove(s);
        }
    }

    /** OpenAI's file and batch endpoints of this server, and the control of the batches' course. */
    public Batches batches() { return batches; }

    /** Answers one request; false when the connection must be closed. */
    private boolean handle(Request r, OutputStream out) throws IOException {
        if (batches.serves(r.path) || FineTuningEndpoints.routes(r.path)) {
            String auth = r.headers.getOrDefault("authorization", "");
            boolean keyed = auth.equals("Bearer " + requiredKey) || r.headers.getOrDefault("x-api-key", "").equals(requiredKey);
            if (requiredKey != null && !keyed) {
                Fault.Status f = (Fault.Status) Fault.unauthorized();
                send(out, 401, Map.of(), error(Call.Protocol.OPENAI, f.type(), f.code(), f.message()));
                return true;
            }
            if (batches.serves(r.path)) {
                batches.handle(r.method, r.path, r.body, out);
                return true;
            }
            fineTuning.count();
            FineTuningEndpoints.Response a = fineTuning.handle(r.method, r.path, r.headers, r.body);
            send(out, a.status(), Map.of(), a.json());
            return true;
        }
        Call.Protocol protocol;
        if (r.path.endsWith("/chat/completions")) protocol = Call.Protocol.OPENAI;
        else if (r.path.endsWith("/messages")) protocol = Call.Protocol.ANTHROPIC;
        else {
            send(out, 404, Map.of(), "{\"error\":{\"message\":\"no route " + r.path + "\"}}");
            return true;
        }
        received.incrementAndGet();
        JsonNode body;
        try {
            body = Json.MAPPER.readTree(r.body);
        } catch (IOException e) {
            send(out, 400, Map.of(), error(Call.Protocol.OPENAI, "invalid_request_error", "", "body is not JSON"));
            return true;
        }
        Call call = new Call(seq.incrementAndGet(), protocol, r.headers, body, System.nanoTime());
        if (recording) calls.add(call);

        if (requiredKey != null && !requiredKey.equals(call.apiKey())) {
            Fault.Status f = (Fault.Status) Fault.unauthorized();
            send(out, 401, Map.of(), error(protocol, f.type(), f.code(), f.message()));
            return true;
        }
        if (protocol == Call.Protocol.OPENAI && !fineTuning.serves(call.model())) {
            send(out, 404, Map.of(), error(protocol, "invalid_request_error", "model_not_found", "The model `" + call.model() + "` does not exist or you do not have access to it."));
            return true;
        }
        Map<String, String> limitHeaders = new LinkedHashMap<>();
        if (rpm > 0) {
            double waitSeconds = takeRpmToken();
            long remaining = (long) Math.floor(Math.max(0, rpmTokens));
            String prefix = protocol == Call.Protocol.OPENAI ? "x-ratelimit-" : "anthropic-ratelimit-requests-";
            if (protocol == Call.Protocol.OPENAI) {
                limitHeaders.put("x-ratelimit-limit-requests", Integer.toString(rpm));
                limitHeaders.put("x-ratelimit-remaining-requests", Long.toString(remaining));
                limitHeaders.put("x-ratelimit-reset-requests", String.format(Locale.ROOT, "%.3fs", Math.max(waitSeconds, 60.0 / rpm)));
            } else {
                limitHeaders.put(prefix + "limit", Integer.toString(rpm));
                limitHeaders.put(prefix + "remaining", Long.toString(remaining));
            }
            if (waitSeconds > 0) {
                refused429.incrementAndGet();
                Map<String, String> h = new LinkedHashMap<>(limitHeaders);
                h.put("retry-after", Long.toString((long) Math.ceil(waitSeconds)));
                h.put("retry-after-ms", Long.toString((long) Math.ceil(waitSeconds * 1000)));
                send(out, 429, h, error(protocol, "rate_limit_error", "rate_limit_exceeded", "Rate limit reached for requests per minute."));
                return true;
            }
        }
        Fault fault = faults.apply(call);
        Duration wait = latency;
        switch (fault) {
            case Fault.None n -> { }
            case Fault.Delay d -> wait = wait.plus(d.delay());
            case Fault.Status st -> {
                faulted.incrementAndGet();
                sleep(wait);
                Map<String, String> h = new LinkedHashMap<>(limitHeaders);
                if (!st.retryAfter().isZero()) {
                    h.put("retry-after", Long.toString(Math.max(1, st.retryAfter().toSeconds())));
                    h.put("retry-after-ms", Long.toString(st.retryAfter().toMillis()));
                }
                send(out, st.status(), h, error(protocol, st.type(), st.code(), st.message()));
                return true;
            }
            case Fault.EchoKey k -> {
                faulted.incrementAndGet();
                send(out, 401, limitHeaders, error(protocol, "authentication_error", "invalid_api_key", "Incorrect API key provided: " + call.apiKey() + "."));
                return true;
            }
            case Fault.Cut c -> {
                faulted.incrementAndGet();
                sleep(wait);
                return false;
            }
            case Fault.Truncate t -> {
                faulted.incrementAndGet();
                sleep(wait);
                String full = protocol == Call.Protocol.OPENAI ? openAiAnswer(call, answers.apply(call)) : anthropicAnswer(call, answers.apply(call));
                byte[] bytes = full.getBytes(StandardCharsets.UTF_8);
                writeHead(out, 200, limitHeaders, bytes.length);
                out.write(bytes, 0, bytes.length / 2);
                out.flush();
                return false;
            }
        }
        sleep(wait);
        Answer a = answers.apply(call);
        String json = protocol == Call.Protocol.OPENAI ? openAiAnswer(call, a) : anthropicAnswer(call, a);
        send(out, 200, limitHeaders, json);
        answeredNanos.put(call.seq(), System.nanoTime());
        answered.incrementAndGet();
        if (recording) answeredCalls.add(call);
        return true;
    }

    private synchronized double takeRpmToken() {
        long now = System.nanoTime();
        double rate = rpm / 60.0;
        double cap = Math.max(1, rate);
        rpmTokens = Math.min(cap, rpmTokens + (now - rpmLastNanos) / 1e9 * rate);
        rpmLastNanos = now;
        if (rpmTokens >= 1) {
            rpmTokens -= 1;
            return 0;
        }
        return (1 - rpmTokens) / rate;
    }

    private static long tokens(String text) {
        return Math.max(1, (text.length() + 3) / 4);
    }

    /** The prompt-cache reads this server reported in its answer to a call (0 before it is answered). */
    public long cachedTokens(Call call) {
        return cachedTokens.getOrDefault(call.seq(), 0L);
    }

    /** {@link System#nanoTime()} when the answer to a call had been sent ({@link Long#MAX_VALUE} before). */
    public long answeredNanos(Call call) {
        return answeredNanos.getOrDefault(call.seq(), Long.MAX_VALUE);
    }

    private String openAiAnswer(Call call, Answer a) {
        long prompt = tokens(call.system());
        for (Map.Entry<String, String> t : call.turns()) prompt += tokens(t.getValue()) + 4;
        long completion = tokens(a.text());
        ObjectNode o = Json.MAPPER.createObjectNode();
        o.put("id", "chatcmpl-" + call.seq());
        o.put("object", "chat.completion");
        o.put("created", System.currentTimeMillis() / 1000);
        o.put("model", call.model());
        ObjectNode choice = o.putArray("choices").addObject();
        choice.put("index", 0);
        choice.putObject("message").put("role", "assistant").put("content", a.text()).putNull("refusal");
        choice.put("finish_reason", "stop");
        if (call.body().path("logprobs").asBoolean(false)) {
            String first = a.text().isEmpty() ? "" : a.text().substring(0, a.text().offsetByCodePoints(0, 1));
            ObjectNode tok = choice.putObject("logprobs").putArray("content").addObject();
            tok.put("token", first);
            tok.put("logprob", a.topLogprobs().getOrDefault(first, 0.0));
            tok.putNull("bytes");
            ArrayNode top = tok.putArray("top_logprobs");
            Map<String, Double> lp = a.topLogprobs().isEmpty() ? Map.of(first, 0.0) : a.topLogprobs();
            lp.forEach((t, p) -> top.addObject().put("token", t).put("logprob", p).putNull("bytes"));
            choice.withObject("logprobs").putNull("refusal");
        } else {
            choice.putNull("logprobs");
        }
        ObjectNode u = o.putObject("usage");
        u.put("prompt_tokens", prompt).put("completion_tokens", completion).put("total_tokens", prompt + completion);
        long cached = Math.min(prompt, cachedPrefix(call) / 4);
        cachedTokens.put(call.seq(), cached);
        u.putObject("prompt_tokens_details").put("cached_tokens", cached);
        return Json.write(o);
    }

    /**
     * The characters of this request's prompt (its messages in order) that an earlier request to the
     * same model began with, in whole units; the prompt's own prefixes are remembered for later ones.
     */
    private long cachedPrefix(Call call) {
        StringBuilder prompt = new StringBuilder();
        for (JsonNode m : call.body().path("messages")) {
            prompt.append('<').append(m.path("role").asText()).append('>');
            JsonNode content = m.path("content");
            if (content.isTextual()) prompt.append(content.asText());
            else for (JsonNode part : content) prompt.append(part.path("text").asText());
        }
        long cached = 0;
        long hash = 0;
        for (int i = 0; i < prompt.length(); i++) {
            hash = hash * 1_000_003L + prompt.charAt(i);
            if ((i + 1) % CACHE_UNIT == 0) {
                String key = call.model() + '/' + (i + 1) + '/' + hash;
                if (!cachedPrefixes.add(key) && cached == i + 1 - CACHE_UNIT) cached = i + 1;
            }
        }
        return cached;
    }

    private String anthropicAnswer(Call call, Answer a) {
        long system = tokens(call.system());
        long rest = 0;
        for (Map.Entry<String, String> t : call.turns()) rest += tokens(t.getValue()) + 4;
        // the cached part: the system blocks up to the last one marked cache_control
        StringBuilder marked = new StringBuilder();
        StringBuilder upTo = new StringBuilder();
        if (call.body().path("system").isArray()) {
            for (JsonNode block : call.body().path("system")) {
                upTo.append(block.path("text").asText());
                if (block.has("cache_control")) marked.setLength(0);
                if (block.has("cache_control")) marked.append(upTo);
            }
        }
        long cacheRead = 0, cacheWrite = 0, input = rest + system;
        if (!marked.isEmpty()) {
            long cachedPart = tokens(marked.toString());
            input = rest + Math.max(0, system - cachedPart);
            if (cachedSystems.add(call.model() + '/' + marked)) cacheWrite = cachedPart;
            else cacheRead = cachedPart;
        }
        cachedTokens.put(call.seq(), cacheRead);
        ObjectNode o = Json.MAPPER.createObjectNode();
        o.put("id", "msg_" + call.seq());
        o.put("type", "message");
        o.put("role", "assistant");
        o.put("model", call.model());
        o.putArray("content").addObject().put("type", "text").put("text", a.text());
        o.put("stop_reason", "end_turn");
        o.putNull("stop_sequence");
        o.putObject("usage").put("input_tokens", input).put("output_tokens", tokens(a.text()))
                .put("cache_creation_input_tokens", cacheWrite).put("cache_read_input_tokens", cacheRead);
        return Json.write(o);
    }

    private static String error(Call.Protocol protocol, String type, String code, String message) {
        ObjectNode o = Json.MAPPER.createObjectNode();
        if (protocol == Call.Protocol.OPENAI) {
            ObjectNode e = o.putObject("error");
            e.put("message", message).put("type", type).putNull("param");
            if (code.isEmpty()) e.putNull("code");
            else e.put("code", code);
        } else {
            o.put("type", "error");
            o.putObject("error").put("type", type).put("message", message);
        }
        return Json.write(o);
    }

    static void send(OutputStream out, int status, Map<String, String> headers, String json) throws IOException {
        byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
        writeHead(out, status, headers, bytes.length);
        out.write(bytes);
        out.flush();
    }

    private static void writeHead(OutputStream out, int status, Map<String, String> headers, int length) throws IOException {
        StringBuilder h = new StringBuilder();
        h.append("HTTP/1.1 ").append(status).append(' ').append(reason(status)).append("\r\n");
        h.append("content-type: application/json\r\n");
        h.append("content-length: ").append(length).append("\r\n");
        headers.forEach((k, v) -> h.append(k).append(": ").append(v).append("\r\n"));
        h.append("\r\n");
        out.write(h.toString().getBytes(StandardCharsets.ISO_8859_1));
    }

    private static String reason(int status) {
        return switch (status) {
            case 200 -> "OK";
            case 400 -> "Bad Request";
            case 401 -> "Unauthorized";
            case 403 -> "Forbidden";
            case 404 -> "Not Found";
            case 429 -> "Too Many Requests";
            case 500 -> "Internal Server Error";
            case 503 -> "Service Unavailable";
            default -> "Status";
        };
    }

    private static void sleep(Duration d) {
        if (d.isZero()) return;
        try {
            Thread.sleep(d);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        try {
            socket.close();
        } catch (IOException e) {
            // closing
        }
        for (Socket s : new HashSet<>(open)) {
            try {
                s.close();
            } catch (IOException e) {
                // closing
            }
        }
    }

    /** A parsed HTTP/1.1 request. */
    private record Request(String method, String path, Map<String, String> headers, byte[] body) {
        static Request read(InputStream in) throws IOException {
            String line = readLine(in);
            while (line != null && line.isEmpty()) line = readLine(in);
            if (line == null) return null;
            String[] parts = line.split(" ");
            if (parts.length < 2) return null;
            Map<String, String> headers = new LinkedHashMap<>();
            for (String h = readLine(in); h != null && !h.isEmpty(); h = readLine(in)) {
                int colon = h.indexOf(':');
                if (colon > 0) headers.put(h.substring(0, colon).strip().toLowerCase(Locale.ROOT), h.substring(colon + 1).strip());
            }
            byte[] body;
            if ("chunked".equalsIgnoreCase(headers.get("transfer-encoding"))) {
                ByteArrayOutputStream b = new ByteArrayOutputStream();
                while (true) {
                    String size = readLine(in);
                    if (size == null) return null;
                    int n = Integer.parseInt(size.split(";")[0].strip(), 16);
                    if (n == 0) {
                        readLine(in);
                        break;
                    }
                    b.write(in.readNBytes(n));
                    readLine(in);
                }
                body = b.toByteArray();
            } else {
                int n = Integer.parseInt(headers.getOrDefault("content-length", "0"));
                body = in.readNBytes(n);
                if (body.length < n) return null;
            }
            return new Request(parts[0], parts[1], headers, body);
        }

        private static String readLine(InputStream in) throws IOException {
            StringBuilder b = new StringBuilder();
            int c;
            while ((c = in.read()) != -1) {
                if (c == '\n') {
                    int len = b.length();
                    if (len > 0 && b.charAt(len - 1) == '\r') b.setLength(len - 1);
                    return b.toString();
                }
                b.append((char) c);
            }
            return b.isEmpty() ? null : b.toString();
        }
    }
}
