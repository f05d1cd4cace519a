package cai4j.testserver;

import java.time.Duration;

/** What the test server does to one request instead of (or before) answering it. */
public sealed interface Fault {

    /** Answer normally. */
    record None() implements Fault {}

    /** Wait, then answer normally (a slow answer; longer than the client's timeout, a timeout). */
    record Delay(Duration delay) implements Fault {}

    /** Answer with an HTTP error in the protocol's error shape. */
    record Status(int status, String type, String code, String message, Duration retryAfter) implements Fault {}

    /** Read the request, then close the connection without a byte of answer. */
    record Cut() implements Fault {}

    /** Send the headers and half of the body, then close the connection. */
    record Truncate() implements Fault {}

    /** Answer 401 with a message that repeats the whole key the request carried, as some servers do. */
    record EchoKey() implements Fault {}

    static Fault none() { return new None(); }
    static Fault delay(Duration d) { return new Delay(d); }
    static Fault cut() { return new Cut(); }
    static Fault truncate() { return new Truncate(); }
    static Fault serverError() { return new Status(500, "server_error", "", "The server had an error while processing your request.", Duration.ZERO); }
    static Fault unavailable() { return new Status(503, "overloaded_error", "", "The engine is currently overloaded, please try again later.", Duration.ZERO); }
    static Fault rateLimited(Duration retryAfter) { return new Status(429, "rate_limit_error", "rate_limit_exceeded", "Rate limit reached for requests.", retryAfter); }
    static Fault echoingKey() { return new EchoKey(); }
    static Fault unauthorized() { return new Status(401, "authentication_error", "invalid_api_key", "Incorrect API key provided: sk-abc***xyz.", Duration.ZERO); }
    static Fault badRequest() { return new Status(400, "invalid_request_error", "", "Invalid value for 'messages'.", Duration.ZERO); }
    static Fault insufficientQuota() { return new Status(429, "insufficient_quota", "insufficient_quota", "You exceeded your current quota, please check your plan and billing details.", Duration.ZERO); }
    static Fault unknownModel() { return new Status(404, "not_found_error", "model_not_found", "The model does not exist.", Duration.ZERO); }
}
