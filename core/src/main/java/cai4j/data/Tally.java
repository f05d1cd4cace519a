package cai4j.data;

import cai4j.model.Completion;
import cai4j.model.Usage;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/** Counts kept while a stage runs on many threads: rejections by reason, principles used, other events, tokens. */
public final class Tally {
    private final Map<String, AtomicInteger> rejected = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> principles = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> counts = new ConcurrentHashMap<>();
    private final LongAdder input = new LongAdder(), output = new LongAdder(), cached = new LongAdder(), calls = new LongAdder();

    public void reject(String reason) {
        rejected.computeIfAbsent(reason, k -> new AtomicInteger()).incrementAndGet();
    }

    /** Counts something that is not a rejection, e.g. how a label was made. */
    public void note(String what) {
        counts.computeIfAbsent(what, k -> new AtomicInteger()).incrementAndGet();
    }

    /** A model answer that could not be used and cost only its own part (not the record). */
    public void unusable(String what) {
        note(what + " unusable");
    }

    public void used(String principleId) {
        principles.computeIfAbsent(principleId, k -> new AtomicInteger()).incrementAndGet();
    }

    /** Records a completion's tokens and hands it back, so a call site reads {@code tally.count(model.complete(r))}. */
    public Completion count(Completion c) {
        calls.increment();
        input.add(c.usage().inputTokens());
        output.add(c.usage().outputTokens());
        cached.add(c.usage().cachedTokens());
        return c;
    }

    /**
     * The model with every answer counted here: for calls made by classes outside the data stages
     * (the judge), whose tokens belong to the stage all the same.
     */
    public cai4j.model.LanguageModel counting(cai4j.model.LanguageModel model) {
        Tally self = this;
        return new cai4j.model.LanguageModel() {
            @Override public cai4j.model.ModelSpec spec() { return model.spec(); }
            @Override public Completion complete(cai4j.model.ChatRequest request) { return self.count(model.complete(request)); }
            @Override public boolean local() { return model.local(); }
            @Override public int maxConcurrency() { return model.maxConcurrency(); }
        };
    }

    public Map<String, Integer> rejected() {
        return sorted(rejected);
    }

    public Map<String, Integer> principles() {
        return sorted(principles);
    }

    public Map<String, Integer> counts() {
        return sorted(counts);
    }

    public Usage usage() {
        return new Usage(input.sum(), output.sum(), cached.sum());
    }

    public long calls() {
        return calls.sum();
    }

    private static Map<String, Integer> sorted(Map<String, AtomicInteger> m) {
        Map<String, Integer> out = new TreeMap<>();
        m.forEach((k, v) -> out.put(k, v.get()));
        return out;
    }
}
