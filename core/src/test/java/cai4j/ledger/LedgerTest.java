package cai4j.ledger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import cai4j.model.ChatRequest;
import cai4j.model.Completion;
import cai4j.model.Message;
import cai4j.model.ModelSpec;
import cai4j.model.Usage;
import java.nio.file.Path;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LedgerTest {
    static final ModelSpec SPEC = ModelSpec.parse("openai:test@http://127.0.0.1:1/v1");

    static ChatRequest request(int i) {
        return ChatRequest.of(List.of(Message.user("question " + i)));
    }

    static Completion answer(int i) {
        return new Completion("answer " + i, "stop", new Usage(5, 2, 0), Map.of());
    }

    static long rowsOnDisk(Path dir) throws Exception {
        // a connection of its own: sees only what was committed
        try (var c = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve(Ledger.FILE));
             ResultSet rs = c.createStatement().executeQuery("SELECT COUNT(*) FROM calls WHERE status = 'ok'")) {
            return rs.getLong(1);
        }
    }

    @Test
    void everyAnswerIsCommittedWhenRecordAnswerReturnsEvenWithManyWritersAtOnce(@TempDir Path dir) throws Exception {
        int n = 2000;
        try (Ledger ledger = Ledger.open(dir)) {
            // committed before recordAnswer returned: another connection reads it at once
            assertThat(atOnce(n, k -> record(ledger, k).map(c -> c.text().equals("answer " + k)).orElse(false))).containsOnly(true);
            assertThat(rowsOnDisk(dir)).isEqualTo(n);
        }
        try (Ledger again = Ledger.open(dir)) {
            assertThat(again.stats()).singleElement().satisfies(s -> {
                assertThat(s.answered()).isEqualTo(n);
                assertThat(s.attempts()).isEqualTo(n);
            });
        }
    }

    @Test
    void aCallAlreadyAnsweredKeepsItsFirstAnswer(@TempDir Path dir) throws Exception {
        try (Ledger ledger = Ledger.open(dir)) {
            String key = LedgerKey.of(SPEC, request(1));
            ledger.recordAnswer(key, SPEC, request(1), answer(1), 0, 0, 1);
            ledger.recordAnswer(key, SPEC, request(1), answer(2), 0, 0, 1);
            assertThat(ledger.find(key)).get().extracting(Completion::text).isEqualTo("answer 1");
        }
    }

    @Test
    void writingToAClosedLedgerFailsInsteadOfLosingTheRow(@TempDir Path dir) throws Exception {
        Ledger ledger = Ledger.open(dir);
        ledger.recordAnswer(LedgerKey.of(SPEC, request(1)), SPEC, request(1), answer(1), 0, 0, 1);
        ledger.close();
        assertThat(rowsOnDisk(dir)).isEqualTo(1);
        assertThatThrownBy(() -> ledger.recordAnswer(LedgerKey.of(SPEC, request(2)), SPEC, request(2), answer(2), 0, 0, 1))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("closed");
    }

    @Test
    void interruptedCallersAtOnceStillReturnOnlyOnceTheirRowIsCommittedAndKeepTheirInterrupt(@TempDir Path dir) throws Exception {
        int n = 300;
        try (Ledger ledger = Ledger.open(dir)) {
            assertThat(atOnce(n, k -> {
                Thread.currentThread().interrupt(); // e.g. a stage being cancelled while its answer is being stored
                Optional<Completion> stored = record(ledger, k);
                return Thread.interrupted() && stored.isPresent();
            })).containsOnly(true);
            assertThat(rowsOnDisk(dir)).isEqualTo(n);
        }
    }

    /** Records answer k, then reads it back through the ledger's reading connection. */
    private static Optional<Completion> record(Ledger ledger, int k) {
        String key = LedgerKey.of(SPEC, request(k));
        ledger.recordAnswer(key, SPEC, request(k), answer(k), 0.001, 3, 1);
        return ledger.find(key);
    }

    private interface Writer {
        boolean write(int k) throws Exception;
    }

    /** Runs writers 0 to n - 1 at once, each on its own virtual thread; what each returned. */
    private static List<Boolean> atOnce(int n, Writer writer) throws Exception {
        List<Boolean> out = new ArrayList<>();
        try (ExecutorService ex = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<Boolean>> seen = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                int k = i;
                seen.add(ex.submit(() -> writer.write(k)));
            }
            for (Future<Boolean> f : seen) out.add(f.get());
        }
        return out;
    }
}
