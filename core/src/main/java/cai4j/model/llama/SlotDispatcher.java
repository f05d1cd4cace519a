package cai4j.model.llama;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.ToIntFunction;

/**
 * Hands waiting requests to llama.cpp's slots, one platform thread per slot, choosing for a slot
 * that has just finished the waiting request whose prompt shares the longest prefix with what that
 * slot's KV cache holds; and a request that comes while several slots are free goes to the free
 * slot that holds most of its prompt, not to whichever slot's thread wakes first.
 *
 * <p>Why: llama.cpp keeps a slot's cache between requests and reads again only the part of a new
 * prompt after the common prefix. Stages send their calls in no useful order (a virtual thread per
 * item), so first-come order mixes prompts of different templates and the cache is thrown away on
 * almost every call. Picking by prefix keeps calls of one template, and one constitution, together.
 * Ties go to the request that waited longest, so no request starves behind a stream of better
 * matches for longer than the queue is deep.
 *
 * <p>Each slot's thread is bound to its slot ({@link Slot#id()}), so the prompt cache a request
 * finds is known here exactly, and the tokens it reuses are counted without asking the engine.
 */
final class SlotDispatcher implements AutoCloseable {

    /** One llama.cpp slot as seen from here: the prompt tokens its KV cache holds after its last request. */
    static final class Slot {
        private final int id;
        private int[] cached = new int[0];

        Slot(int id) {
            this.id = id;
        }

        int id() {
            return id;
        }

        /**
         * The tokens of {@code prompt} this slot will not read again: the common prefix with its
         * cache, less one when that is the whole prompt (llama.cpp always decodes the last prompt
         * token, to get the logits the first answer token is sampled from).
         */
        int reuse(int[] prompt) {
            return Math.min(commonPrefix(cached, prompt), Math.max(0, prompt.length - 1));
        }

        void holds(int[] prompt) {
            cached = prompt;
        }
    }

    /** Work run on one slot's thread. */
    interface Work<T> {
        T run(Slot slot);
    }

    /**
     * A waiting request and how much of its prompt a slot would find cached (in the slot's own
     * cache, or in the option scorer's for a request that is only scored).
     */
    private record Job<T>(ToIntFunction<Slot> reuse, Work<T> work, CompletableFuture<T> result) {}

    private final Slot[] slots;
    private final List<Job<?>> waiting = new ArrayList<>();
    /** Slots running a job; of the others, a job goes to the one that has most of its prompt cached. */
    private final java.util.Set<Slot> busy = new java.util.HashSet<>();
    private final List<Thread> threads = new ArrayList<>();
    private boolean closed;

    SlotDispatcher(int slots, String name) {
        this.slots = new Slot[slots];
        AtomicInteger n = new AtomicInteger();
        for (int i = 0; i < slots; i++) {
            Slot s = new Slot(i);
            this.slots[i] = s;
            Thread t = new Thread(() -> serve(s), name + "-" + n.incrementAndGet());
            t.setDaemon(true);
            threads.add(t);
        }
        threads.forEach(Thread::start);
    }

    /** Queues work whose affinity to a slot is its cache's common prefix with {@code prompt}. */
    <T> CompletableFuture<T> submit(int[] prompt, Work<T> work) {
        return submit(slot -> slot.reuse(prompt), work);
    }

    /** Queues work whose affinity to a slot is measured by {@code reuse}. */
    synchronized <T> CompletableFuture<T> submit(ToIntFunction<Slot> reuse, Work<T> work) {
        CompletableFuture<T> f = new CompletableFuture<>();
        if (closed) {
            f.completeExceptionally(new IllegalStateException("the embedded model is closed"));
            return f;
        }
        waiting.add(new Job<>(reuse, work, f));
        notifyAll();
        return f;
    }

    /** Waiting requests, for tests and progress. */
    synchronized int waiting() {
        return waiting.size();
    }

    private void serve(Slot slot) {
        while (true) {
            Job<?> job;
            synchronized (this) {
                while (true) {
                    if (waiting.isEmpty() && closed) return;
                    job = waiting.isEmpty() ? null : pick(slot);
                    if (job != null) break;
                    try {
                        wait();
                    } catch (InterruptedException e) {
                        return;
                    }
                }
                busy.add(slot);
                // a slot that left a job to this one, as the better cache for it, looks again
                notifyAll();
            }
            run(job, slot);
        }
    }

    /**
     * The waiting job that reuses the most of this slot's cache, the oldest among equals; leaving
     * out a job that another free slot has more of cached, since that slot takes it (several free
     * slots wake at once, and without this the first awake would read again a prefix another holds).
     * Null when every waiting job is better served by another free slot.
     */
    private Job<?> pick(Slot slot) {
        int best = -1;
        int bestReuse = -1;
        for (int i = 0; i < waiting.size(); i++) {
            Job<?> j = waiting.get(i);
            if (j.result().isCancelled()) {
                waiting.remove(i--);
                continue;
            }
            int r = j.reuse().applyAsInt(slot);
            if (r <= bestReuse) continue;
            boolean better = false;
            for (Slot other : slots) if (other != slot && !busy.contains(other) && j.reuse().applyAsInt(other) > r) better = true;
            if (better) continue;
            best = i;
            bestReuse = r;
        }
        return best < 0 ? null : waiting.remove(best);
    }

    /** Runs a job; the slot counts as free again (its cache updated by the work) before the caller hears the result. */
    private <T> void run(Job<T> job, Slot slot) {
        T value = null;
        Throwable failure = null;
        if (!job.result().isDone()) {
            try {
                value = job.work().run(slot);
            } catch (Throwable t) {
                failure = t;
            }
        }
        synchronized (this) {
            busy.remove(slot);
        }
        if (failure != null) job.result().completeExceptionally(failure);
        else job.result().complete(value);
    }

    static int commonPrefix(int[] a, int[] b) {
        int n = Math.min(a.length, b.length);
        int i = 0;
        while (i < n && a[i] == b[i]) i++;
        return i;
    }

    /** Finishes the requests already waiting, then stops the slot threads (waiting at most {@code millis} for them). */
    void close(long millis) {
        synchronized (this) {
            closed = true;
            notifyAll();
        }
        long end = System.currentTimeMillis() + millis;
        for (Thread t : threads) {
            try {
                t.join(Math.max(1, end - System.currentTimeMillis()));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    @Override
    public void close() {
        close(5 * 60_000L);
    }
}
