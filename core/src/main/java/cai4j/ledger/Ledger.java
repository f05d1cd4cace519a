package cai4j.ledger;

import cai4j.InputError;
import cai4j.Json;
import cai4j.model.ChatRequest;
import cai4j.model.Completion;
import cai4j.model.ModelException;
import cai4j.model.ModelSpec;
import cai4j.model.RequestJson;
import com.fasterxml.jackson.core.JsonProcessingException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The durable record of every model call of a run: one SQLite database ({@code ledger.db}) in WAL
 * mode, one row per call keyed by {@link LedgerKey}. An answer is committed before it is returned
 * to anyone, so a crash never loses a paid call; WAL with {@code synchronous=NORMAL} keeps every
 * commit through a killed process (only a power cut may lose the last few).
 *
 * <p>Writes are group commits without a writer thread: a caller queues its row, and the caller
 * that finds no commit under way becomes the committer — it commits every row waiting at that
 * moment in one transaction on the write connection, releases their callers, and hands the turn to
 * the oldest row still waiting. Each caller returns only once its row is durable, and a thousand
 * calls finishing together cost a handful of commits. There is no hand-off to another thread and
 * back for each group: on a loaded machine, waking a writer thread and then the callers it
 * released cost every call two trips through the operating system's run queue, which left the
 * callers idle behind it. The price: a committing virtual thread holds its carrier while inside
 * SQLite; a group commit in WAL mode is one write to the log (it syncs only at a checkpoint), so the
 * carrier is held about as long as the writer thread used to run. Reads use a second connection,
 * which WAL lets run while a commit is under way.
 *
 * <p>A row's status is {@code ok} (answered), {@code error} (failed; retried by the next run) or
 * {@code pending} (submitted to a provider batch job, answer not yet arrived).
 */
public final class Ledger implements AutoCloseable {
    public static final String FILE = "ledger.db";

    /** Most rows committed in one transaction, so that one commit never keeps its callers long. */
    private static final int MAX_GROUP = 1024;

    private final Path file;
    private final Connection db;      // reads (find, stats)
    private final Connection writeDb; // the committer's, under writeLock
    private final ReentrantLock lock = new ReentrantLock();
    /** Held by the one caller committing a group (or flushing replay counts, or closing). */
    private final ReentrantLock writeLock = new ReentrantLock();
    private final PreparedStatement find;
    private final PreparedStatement findPending;
    private final PreparedStatement upsert;
    private final ConcurrentLinkedQueue<Row> waiting = new ConcurrentLinkedQueue<>();
    private volatile boolean closed;
    /** Set under writeLock once the connections are closed: a row queued after that fails instead of waiting. */
    private boolean connectionsClosed;
    private final Map<String, LongAdder> replays = new ConcurrentHashMap<>();

    /** One row to commit, the caller waiting for it, and what became of it. */
    private static final class Row {
        final String key, model, request, response, status, errorClass, error, batchId;
        final long inputTokens, outputTokens, cachedTokens, latencyMs, updatedAt;
        final double cost;
        final int attempts;
        final Thread caller = Thread.currentThread();
        /** Set by the committer before it unparks the caller: done, and the failure if the commit failed. */
        volatile boolean done;
        volatile RuntimeException failure;

        Row(String key, String model, String request, String response, String status, String errorClass, String error,
            long inputTokens, long outputTokens, long cachedTokens, double cost, long latencyMs, int attempts, long updatedAt, String batchId) {
            this.key = key; this.model = model; this.request = request; this.response = response; this.status = status;
            this.errorClass = errorClass; this.error = error; this.inputTokens = inputTokens; this.outputTokens = outputTokens;
            this.cachedTokens = cachedTokens; this.cost = cost; this.latencyMs = latencyMs; this.attempts = attempts;
            this.updatedAt = updatedAt; this.batchId = batchId;
        }

        void finish(RuntimeException why) {
            failure = why;
            done = true;
            LockSupport.unpark(caller);
        }
    }

    private Ledger(Path file, Connection db, Connection writeDb) throws SQLException {
        this.file = file;
        this.db = db;
        this.writeDb = writeDb;
        try (Statement s = db.createStatement()) {
            s.execute("PRAGMA journal_mode=WAL");
            s.execute("PRAGMA synchronous=NORMAL");
            s.execute("PRAGMA busy_timeout=10000");
            s.execute("""
                    CREATE TABLE IF NOT EXISTS calls (
                      key           TEXT PRIMARY KEY,
                      model         TEXT NOT NULL,
                      request       TEXT NOT NULL,
                      response      TEXT,
                      status        TEXT NOT NULL CHECK (status IN ('ok','error','pending')),
                      error_class   TEXT,
                      error         TEXT,
                      input_tokens  INTEGER NOT NULL DEFAULT 0,
                      output_tokens INTEGER NOT NULL DEFAULT 0,
                      cached_tokens INTEGER NOT NULL DEFAULT 0,
                      cost_usd      REAL NOT NULL DEFAULT 0,
                      latency_ms    INTEGER NOT NULL DEFAULT 0,
                      attempts      INTEGER NOT NULL DEFAULT 0,
                      updated_at    INTEGER NOT NULL,
                      batch_id      TEXT)""");
            s.execute("CREATE TABLE IF NOT EXISTS replays (model TEXT PRIMARY KEY, count INTEGER NOT NULL)");
            addBatchColumn(s);
        }
        try (Statement s = writeDb.createStatement()) {
            s.execute("PRAGMA synchronous=NORMAL");
            s.execute("PRAGMA busy_timeout=10000");
        }
        writeDb.setAutoCommit(false);
        this.find = db.prepareStatement("SELECT response FROM calls WHERE key = ? AND status = 'ok'");
        this.findPending = db.prepareStatement("SELECT batch_id FROM calls WHERE key = ? AND status = 'pending' AND batch_id IS NOT NULL");
        this.upsert = writeDb.prepareStatement("""
                INSERT INTO calls (key, model, request, response, status, error_class, error, input_tokens, output_tokens,
                                   cached_tokens, cost_usd, latency_ms, attempts, updated_at, batch_id)
                VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)
                ON CONFLICT(key) DO UPDATE SET response=excluded.response, status=excluded.status,
                  error_class=excluded.error_class, error=excluded.error, input_tokens=excluded.input_tokens,
                  output_tokens=excluded.output_tokens, cached_tokens=excluded.cached_tokens, cost_usd=excluded.cost_usd,
                  latency_ms=excluded.latency_ms, attempts=calls.attempts + excluded.attempts, updated_at=excluded.updated_at,
                  batch_id=excluded.batch_id
                WHERE calls.status <> 'ok'""");
    }

    /** Ledgers written before provider batch jobs have no batch_id column; it is added in place. */
    private static void addBatchColumn(Statement s) throws SQLException {
        try (ResultSet rs = s.executeQuery("SELECT 1 FROM pragma_table_info('calls') WHERE name = 'batch_id'")) {
            if (rs.next()) return;
        }
        s.execute("ALTER TABLE calls ADD COLUMN batch_id TEXT");
    }

    /** Opens (creating if needed) the ledger of a run directory. */
    public static Ledger open(Path runDir) {
        return openFile(runDir.resolve(FILE));
    }

    /** Opens a ledger database file; it must exist unless its folder can be created. */
    public static Ledger openFile(Path file) {
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            String url = "jdbc:sqlite:" + file.toAbsolutePath();
            return new Ledger(file, DriverManager.getConnection(url), DriverManager.getConnection(url));
        } catch (SQLException e) {
            // SQLITE_NOTADB (26): garbage, or some other file under the ledger's name
            if (e.getErrorCode() == 26) throw new InputError("The ledger " + file + " is not an SQLite database; move it away or give another --run.", e);
            throw new InputError("Cannot open the ledger " + file + ": " + e.getMessage() + ".", e);
        } catch (java.io.IOException e) {
            throw new InputError("Cannot open the ledger " + file + ": " + cai4j.FileProblem.reason(e) + ".", e);
        }
    }

    /** Opens an existing ledger for reading statistics; InputError when the run has none. */
    public static Ledger openExisting(Path runDir) {
        Path f = Files.isDirectory(runDir) ? runDir.resolve(FILE) : runDir;
        if (!Files.isRegularFile(f)) throw new InputError("There is no ledger at " + f + "; give the run directory of an earlier command.");
        return openFile(f);
    }

    public Path file() { return file; }

    /** The stored answer of a call, if it was answered. */
    /** The answer recorded under the first of these keys that has one. */
    public Optional<Completion> findAny(java.util.List<String> keys) {
        for (String key : keys) {
            Optional<Completion> hit = find(key);
            if (hit.isPresent()) return hit;
        }
        return Optional.empty();
    }

    public Optional<Completion> find(String key) {
        String json;
        lock.lock();
        try {
            find.setString(1, key);
            try (ResultSet rs = find.executeQuery()) {
                json = rs.next() ? rs.getString(1) : null;
            }
        } catch (SQLException e) {
            throw new IllegalStateException("the ledger " + file + " cannot be read: " + e.getMessage(), e);
        } finally {
            lock.unlock();
        }
        if (json == null) return Optional.empty();
        try {
            return Optional.of(Json.MAPPER.readValue(json, Completion.class));
        } catch (JsonProcessingException e) {
            return Optional.empty(); // an unreadable row is as good as none: the call is made again
        }
    }

    /** Counts an answer served from the ledger; counts are written when the ledger closes. */
    public void countReplay(ModelSpec spec) {
        replays.computeIfAbsent(spec.toString(), k -> new LongAdder()).increment();
    }

    /** Commits an answer. A call already answered keeps its first answer. */
    public void recordAnswer(String key, ModelSpec spec, ChatRequest request, Completion c, double costUsd, long latencyMs, int attempts) {
        write(key, spec, request, Json.write(c), "ok", null, null, c, costUsd, latencyMs, attempts);
    }

    /** Records a failed call, so the statistics show it; the next run calls it again. */
    public void recordFailure(String key, ModelSpec spec, ChatRequest request, ModelException e, int attempts) {
        write(key, spec, request, null, "error", e.kind().name(), e.getMessage(), null, 0, 0, attempts);
    }

    /** Records a call submitted to a provider batch job whose answer will come later, with the job's id. */
    public void recordPending(String key, ModelSpec spec, ChatRequest request, String batchId) {
        write(key, spec, request, null, "pending", null, null, null, 0, 0, 0, batchId);
    }

    /** The id of the provider batch job a call is waiting in, if it is pending in one. */
    public Optional<String> pendingBatch(String key) {
        lock.lock();
        try {
            findPending.setString(1, key);
            try (ResultSet rs = findPending.executeQuery()) {
                return rs.next() ? Optional.of(rs.getString(1)) : Optional.empty();
            }
        } catch (SQLException e) {
            throw new IllegalStateException("the ledger " + file + " cannot be read: " + e.getMessage(), e);
        } finally {
            lock.unlock();
        }
    }

    private void write(String key, ModelSpec spec, ChatRequest request, String response, String status, String errorClass,
                       String error, Completion c, double cost, long latencyMs, int attempts) {
        write(key, spec, request, response, status, errorClass, error, c, cost, latencyMs, attempts, null);
    }

    private void write(String key, ModelSpec spec, ChatRequest request, String response, String status, String errorClass,
                       String error, Completion c, double cost, long latencyMs, int attempts, String batchId) {
        Row row = new Row(key, spec.toString(), Json.write(RequestJson.toJson(request)), response, status, errorClass, error,
                c == null ? 0 : c.usage().inputTokens(), c == null ? 0 : c.usage().outputTokens(),
                c == null ? 0 : c.usage().cachedTokens(), cost, latencyMs, attempts, System.currentTimeMillis(), batchId);
        if (closed) throw new IllegalStateException("the ledger " + file + " is closed");
        waiting.add(row);
        boolean interrupted = false;
        while (!row.done) {
            if (writeLock.tryLock()) {
                try {
                    commitWaiting();
                } finally {
                    writeLock.unlock();
                }
                // a row queued while this group was committing found the lock taken and went to
                // sleep: its caller (or the one before it in the queue) commits the next group
                Row next = waiting.peek();
                if (next != null) LockSupport.unpark(next.caller);
            } else {
                LockSupport.park(this); // until a committer has written this row, or hands this caller the turn
                // the row is on its way to disk; the caller must know whether it got there
                if (Thread.interrupted()) interrupted = true;
            }
        }
        if (interrupted) Thread.currentThread().interrupt();
        if (row.failure != null) throw row.failure;
    }

    /** Under writeLock: commits the rows waiting now (at most {@link #MAX_GROUP}) in one transaction and releases their callers. */
    private void commitWaiting() {
        List<Row> group = new ArrayList<>();
        for (Row r; group.size() < MAX_GROUP && (r = waiting.poll()) != null; ) group.add(r);
        if (group.isEmpty()) return;
        if (connectionsClosed) {
            RuntimeException why = new IllegalStateException("the ledger " + file + " is closed");
            group.forEach(r -> r.finish(why));
            return;
        }
        RuntimeException failure = null;
        try {
            for (Row r : group) {
                upsert.setString(1, r.key);
                upsert.setString(2, r.model);
                upsert.setString(3, r.request);
                upsert.setString(4, r.response);
                upsert.setString(5, r.status);
                upsert.setString(6, r.errorClass);
                upsert.setString(7, r.error);
                upsert.setLong(8, r.inputTokens);
                upsert.setLong(9, r.outputTokens);
                upsert.setLong(10, r.cachedTokens);
                upsert.setDouble(11, r.cost);
                upsert.setLong(12, r.latencyMs);
                upsert.setInt(13, r.attempts);
                upsert.setLong(14, r.updatedAt);
                upsert.setString(15, r.batchId);
                upsert.executeUpdate();
            }
            writeDb.commit(); // durable when this returns; only then are the callers released
        } catch (SQLException | RuntimeException e) {
            failure = new IllegalStateException("the ledger " + file + " cannot be written: " + e.getMessage(), e);
            try {
                writeDb.rollback();
            } catch (SQLException ignored) {
                // the rows of this group are reported as not written either way
            }
        }
        for (Row r : group) r.finish(failure);
    }

    /** Calls, replays, tokens, cost and errors per model. */
    public List<ModelStats> stats() {
        flushReplays();
        List<ModelStats> out = new ArrayList<>();
        lock.lock();
        try (Statement s = db.createStatement();
             ResultSet rs = s.executeQuery("""
                     SELECT c.model,
                            SUM(c.status = 'ok'), SUM(c.status = 'error'), SUM(c.status = 'pending'),
                            COALESCE((SELECT count FROM replays r WHERE r.model = c.model), 0),
                            SUM(c.attempts), SUM(c.input_tokens), SUM(c.output_tokens), SUM(c.cached_tokens),
                            SUM(c.cost_usd), AVG(CASE WHEN c.status = 'ok' THEN c.latency_ms END)
                     FROM calls c GROUP BY c.model ORDER BY c.model""")) {
            while (rs.next()) {
                out.add(new ModelStats(rs.getString(1), rs.getLong(2), rs.getLong(3), rs.getLong(4), rs.getLong(5),
                        rs.getLong(6), rs.getLong(7), rs.getLong(8), rs.getLong(9), rs.getDouble(10), rs.getDouble(11)));
            }
        } catch (SQLException e) {
            throw new IllegalStateException("the ledger " + file + " cannot be read: " + e.getMessage(), e);
        } finally {
            lock.unlock();
        }
        return out;
    }

    private void flushReplays() {
        if (replays.isEmpty()) return;
        writeLock.lock();
        try (PreparedStatement p = writeDb.prepareStatement(
                "INSERT INTO replays (model, count) VALUES (?, ?) ON CONFLICT(model) DO UPDATE SET count = count + excluded.count")) {
            for (Map.Entry<String, LongAdder> e : replays.entrySet()) {
                long n = e.getValue().sumThenReset();
                if (n == 0) continue;
                p.setString(1, e.getKey());
                p.setLong(2, n);
                p.executeUpdate();
            }
            writeDb.commit();
        } catch (SQLException e) {
            try {
                writeDb.rollback();
            } catch (SQLException ignored) {
                // reported below
            }
            throw new IllegalStateException("the ledger " + file + " cannot be written: " + e.getMessage(), e);
        } finally {
            writeLock.unlock();
        }
    }

    @Override
    public void close() {
        if (closed) return;
        closed = true;
        writeLock.lock();
        try {
            // every row queued before close is committed first, by this thread if its caller has not
            while (!waiting.isEmpty()) commitWaiting();
            flushReplays();
        } finally {
            lock.lock();
            try {
                find.close();
                findPending.close();
                upsert.close();
                writeDb.close();
                db.close();
            } catch (SQLException e) {
                // closing connections that committed everything cannot lose data
            } finally {
                connectionsClosed = true;
                lock.unlock();
                writeLock.unlock();
            }
        }
        // a row queued in the moment before `closed` was seen is failed, not left waiting
        Row late = waiting.peek();
        if (late != null) LockSupport.unpark(late.caller);
    }
}
