package cai4j.model.llama;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;

class SlotDispatcherTest {

    @Test
    void aFreeSlotTakesTheWaitingPromptSharingMostOfItsCache() throws Exception {
        List<String> order = Collections.synchronizedList(new ArrayList<>());
        CountDownLatch hold = new CountDownLatch(1);
        try (SlotDispatcher d = new SlotDispatcher(1, "test")) {
            // the first job fills the slot's cache with 1 2 3 4 and holds the slot while the others queue
            CompletableFuture<Void> first = d.submit(new int[] {1, 2, 3, 4}, slot -> {
                await(hold);
                slot.holds(new int[] {1, 2, 3, 4});
                order.add("first");
                return null;
            });
            while (d.waiting() > 0) Thread.onSpinWait();
            List<CompletableFuture<Void>> rest = new ArrayList<>();
            rest.add(d.submit(new int[] {9, 9, 9}, slot -> run(slot, order, "unrelated", 9, 9, 9)));
            rest.add(d.submit(new int[] {1, 2, 7}, slot -> run(slot, order, "two shared", 1, 2, 7)));
            rest.add(d.submit(new int[] {1, 2, 3, 8}, slot -> run(slot, order, "three shared", 1, 2, 3, 8)));
            hold.countDown();
            first.get();
            for (CompletableFuture<Void> f : rest) f.get();
        }
        // after 1 2 3 4 the best match is 1 2 3 8; its cache then favours 1 2 7 over the unrelated prompt
        assertThat(order).containsExactly("first", "three shared", "two shared", "unrelated");
    }

    @Test
    void aRequestGoesToTheFreeSlotThatHoldsItsPrefixNotToTheFirstAwake() throws Exception {
        try (SlotDispatcher d = new SlotDispatcher(2, "test")) {
            // two jobs that wait for each other run on the two slots at once: one slot holds 1 1 1, the other 2 2 2
            CountDownLatch both = new CountDownLatch(2);
            int[] ones = {1, 1, 1}, twos = {2, 2, 2};
            CompletableFuture<Integer> a = d.submit(ones, slot -> meet(both, slot, ones));
            CompletableFuture<Integer> b = d.submit(twos, slot -> meet(both, slot, twos));
            int slotOfOnes = a.get(), slotOfTwos = b.get();
            assertThat(slotOfOnes).isNotEqualTo(slotOfTwos);
            // then requests one at a time, with both slots free: each goes where its prefix is cached
            List<Integer> wrong = new ArrayList<>();
            for (int i = 0; i < 10; i++) {
                int[] prompt = i % 2 == 0 ? new int[] {1, 1, 1, 10 + i} : new int[] {2, 2, 2, 10 + i};
                int expected = i % 2 == 0 ? slotOfOnes : slotOfTwos;
                int[] keep = i % 2 == 0 ? ones : twos;
                int ran = d.submit(prompt, slot -> { slot.holds(keep); return slot.id(); }).get();
                if (ran != expected) wrong.add(i);
            }
            assertThat(wrong).isEmpty();
        }
    }

    private static int meet(CountDownLatch both, SlotDispatcher.Slot slot, int[] prompt) {
        both.countDown();
        await(both);
        slot.holds(prompt);
        return slot.id();
    }

    @Test
    void equalMatchesGoInTheOrderTheyCame() throws Exception {
        List<Integer> order = Collections.synchronizedList(new ArrayList<>());
        CountDownLatch hold = new CountDownLatch(1);
        try (SlotDispatcher d = new SlotDispatcher(1, "test")) {
            CompletableFuture<Void> first = d.submit(new int[] {5}, slot -> { await(hold); return null; });
            while (d.waiting() > 0) Thread.onSpinWait();
            List<CompletableFuture<Void>> rest = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                int n = i;
                rest.add(d.submit(new int[] {7, n}, slot -> { order.add(n); return null; }));
            }
            hold.countDown();
            first.get();
            for (CompletableFuture<Void> f : rest) f.get();
        }
        assertThat(order).containsExactly(0, 1, 2, 3, 4);
    }

    @Test
    void aSlotReusesTheCommonPrefixButAlwaysReadsTheLastPromptToken() {
        SlotDispatcher.Slot s = new SlotDispatcher.Slot(0);
        assertThat(s.reuse(new int[] {1, 2, 3})).isZero();
        s.holds(new int[] {1, 2, 3});
        assertThat(s.reuse(new int[] {1, 2, 4, 5})).isEqualTo(2);
        assertThat(s.reuse(new int[] {1, 2, 3})).isEqualTo(2);
        assertThat(s.reuse(new int[] {1, 2, 3, 4})).isEqualTo(3);
    }

    /** What a generation does to its slot: the prompt is then in the slot's cache. */
    private static Void run(SlotDispatcher.Slot slot, List<String> order, String name, int... prompt) {
        slot.holds(prompt);
        order.add(name);
        return null;
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }
}
