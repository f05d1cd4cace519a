package cai4j;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A run directory belongs to one command at a time. The owner writes its pid into
 * {@code RUN/.lock}; a second command finds the file and refuses, unless the pid it names is no
 * longer alive (a process killed with -9 leaves a stale lock), which it then takes over. The lock
 * is removed when the command ends, and by a shutdown hook when the process is interrupted, so
 * Ctrl-C never leaves one behind.
 */
public final class RunLock implements AutoCloseable {

    /** The lock file's name inside a run directory. */
    public static final String FILE = ".lock";

    /**
     * Locks this process holds, with how many holders each has: a command that holds its run
     * takes it again when it opens the run's road, and only the last release removes the file.
     * The shutdown hook releases them all when the process is interrupted.
     */
    private static final Map<Path, Integer> HELD = new ConcurrentHashMap<>();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> HELD.keySet().forEach(RunLock::delete), "cai4j-run-lock-release"));
    }

    private final Path file;

    private RunLock(Path file) {
        this.file = file;
    }

    /** Takes the run directory (creating it), or throws an {@link InputError} naming the process that has it. */
    public static RunLock acquire(Path runDir) {
        Path dir = runDir.toAbsolutePath().normalize();
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new InputError("Cannot create the run directory " + runDir + ": " + FileProblem.reason(e) + ".");
        }
        Path file = dir.resolve(FILE);
        long self = ProcessHandle.current().pid();
        for (int attempt = 0; attempt < 2; attempt++) {
            synchronized (HELD) {
                if (HELD.computeIfPresent(file, (f, n) -> n + 1) != null) return new RunLock(file);
            }
            try {
                Files.writeString(Files.createFile(file), self + "\n", StandardCharsets.UTF_8);
                HELD.put(file, 1);
                return new RunLock(file);
            } catch (FileAlreadyExistsException e) {
                Optional<Long> owner = owner(file);
                // a live other process owns it; our own pid not in HELD is a leftover of an earlier process with the same pid
                if (owner.isPresent() && owner.get() != self && ProcessHandle.of(owner.get()).map(ProcessHandle::isAlive).orElse(false)) {
                    throw busy(runDir, owner.get());
                }
                delete(file); // stale: its owner is gone; one more try, so that of two processes taking it over only one wins
            } catch (IOException e) {
                throw new InputError("Cannot write the lock file " + file + ": " + FileProblem.reason(e) + ".");
            }
        }
        throw busy(runDir, owner(file).orElse(-1L));
    }

    /** Takes a run directory that must exist already (for commands that read a run rather than start one). */
    public static RunLock acquireExisting(Path runDir) {
        if (!Files.isDirectory(runDir)) throw new InputError("Run directory " + runDir + " does not exist.");
        return acquire(runDir);
    }

    /** The pid a lock file names; empty when it is unreadable or half written. */
    static Optional<Long> owner(Path file) {
        try {
            return Optional.of(Long.parseLong(Files.readString(file, StandardCharsets.UTF_8).strip()));
        } catch (IOException | NumberFormatException e) {
            return Optional.empty();
        }
    }

    private static InputError busy(Path runDir, long pid) {
        return new InputError("Run directory " + runDir + " is in use by another cai4j command"
                + (pid > 0 ? " (process " + pid + ")" : "") + "; wait for it to finish, or remove "
                + runDir.resolve(FILE) + " if that process is gone.");
    }

    private static void delete(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException ignored) {
            // a lock that cannot be removed is reported as stale by the next command, which takes it over
        }
    }

    @Override
    public void close() {
        synchronized (HELD) {
            Integer left = HELD.computeIfPresent(file, (f, n) -> n == 1 ? null : n - 1);
            if (left == null) delete(file);
        }
    }
}
