package cai4j.road;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import cai4j.model.ChatRequest;
import cai4j.model.Completion;
import cai4j.model.LanguageModel;
import cai4j.model.Message;
import cai4j.model.ModelException;
import cai4j.model.ModelSpec;
import cai4j.model.Usage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

class LinkChainTest {
    static final ChatRequest HELLO = ChatRequest.of(List.of(Message.user("Hello")));

    /** A provider that fails the first {@code failures} calls with a 503, then answers; it counts its calls. */
    static final class Flaky implements LanguageModel {
        final AtomicInteger calls = new AtomicInteger();
        final int failures;

        Flaky(int failures) { this.failures = failures; }

        @Override public ModelSpec spec() { return ModelSpec.parse("openai:flaky"); }

        @Override
        public Completion complete(ChatRequest request) {
            if (calls.incrementAndGet() <= failures) throw ModelException.transientError(503, "busy");
            return new Completion("hi", "stop", new Usage(3, 1, 0), Map.of());
        }
    }

    static Link recording(List<String> log, String name) {
        return (call, next) -> {
            log.add(name + " in");
            Answer a = next.proceed(call);
            log.add(name + " out");
            return a;
        };
    }

    @Test
    void linksRunInListOrderAndTheProviderIsTheLastStep() {
        List<String> log = new CopyOnWriteArrayList<>();
        Flaky provider = new Flaky(0);
        Link last = (call, next) -> {
            log.add("provider calls before: " + provider.calls.get());
            return next.proceed(call);
        };
        var m = new RoadModel(provider, List.of(recording(log, "a"), recording(log, "b"), last));
        assertThat(m.complete(HELLO).text()).isEqualTo("hi");
        assertThat(log).containsExactly("a in", "b in", "provider calls before: 0", "b out", "a out");
        assertThat(provider.calls).hasValue(1);
    }

    @Test
    void aLinkRetriesByProceedingAgainAndAnAnswerCarriesItsLatencyFromTheProvider() {
        Flaky provider = new Flaky(2);
        Link retry = (call, next) -> {
            for (int attempt = 1; ; attempt++) {
                try {
                    return next.proceed(call).withAttempts(attempt);
                } catch (ModelException e) {
                    if (attempt == 5) throw new CallFailed(e, attempt);
                }
            }
        };
        List<Answer> seen = new CopyOnWriteArrayList<>();
        Link watch = (call, next) -> {
            Answer a = next.proceed(call);
            seen.add(a);
            return a;
        };
        new RoadModel(provider, List.of(watch, retry)).complete(HELLO);
        assertThat(provider.calls).hasValue(3);
        assertThat(seen.getFirst().attempts()).isEqualTo(3);
        assertThat(seen.getFirst().replayed()).isFalse();
        assertThat(seen.getFirst().latency().isNegative()).isFalse();
    }

    @Test
    void aLinkThatAnswersItselfKeepsTheCallFromTheProvider() {
        Flaky provider = new Flaky(0);
        Link cache = (call, next) -> Answer.replay(new Completion("stored", "stop", new Usage(0, 0, 0), Map.of()));
        assertThat(new RoadModel(provider, List.of(cache)).complete(HELLO).text()).isEqualTo("stored");
        assertThat(provider.calls).hasValue(0);
    }

    @Test
    void aCallFailedForGoodReachesTheCallerAsItsModelException() {
        ModelException why = new ModelException(ModelException.Kind.FINAL, 401, "The key was refused.", null, null);
        Link refuse = (call, next) -> { throw new CallFailed(why, 1); };
        assertThatThrownBy(() -> new RoadModel(new Flaky(0), List.of(refuse)).complete(HELLO)).isSameAs(why);
    }

    /** The ledger is one link among others: it knows the road's call and answer, not how calls are scheduled. */
    @Test
    void theLedgerDoesNotDependOnTheScheduler() throws IOException {
        try (Stream<Path> files = Files.list(Path.of("core/src/main/java/cai4j/ledger"))) {
            List<Path> offenders = files.filter(p -> read(p).contains("cai4j.scheduler")).toList();
            assertThat(offenders).isEmpty();
        }
    }

    private static String read(Path p) {
        try {
            return Files.readString(p);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
