package cai4j;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Checks that a file a command is asked to write is none of its inputs and none of a run's own
 * files: an answer file written over its requests, or an export written over the run's data,
 * loses what the next command reads.
 */
public final class Outputs {
    private Outputs() {}

    /** The files and folders of a run directory that its commands write and read back. */
    public static final List<String> RUN_OWNED = List.of("ledger.db", "constitution.json", "summary.json", "report.html",
            "calibration.json", RunLock.FILE, "evals", "data", "train");

    /** Throws an {@link InputError} when {@code output} is the file {@code input}. */
    public static void requireNotInput(Path output, Path input, String option) {
        if (same(output, input)) {
            throw new InputError(option + " " + output + " is the input file; write the output to another file.");
        }
    }

    /** Throws an {@link InputError} when {@code output} is, or lies inside, one of the run directory's own files. */
    public static void requireNotRunData(Path output, Path runDir, String option) {
        Path out = canonical(output);
        Path run = canonical(runDir);
        for (String owned : RUN_OWNED) {
            Path p = run.resolve(owned);
            if (out.equals(p) || out.startsWith(p)) {
                throw new InputError(option + " " + output + " is part of the run's own data (" + owned
                        + "); write the output outside " + runDir.resolve(owned) + ".");
            }
        }
    }

    private static boolean same(Path a, Path b) {
        try {
            if (Files.exists(a) && Files.exists(b)) return Files.isSameFile(a, b);
        } catch (IOException e) {
            // fall back to comparing the paths
        }
        return canonical(a).equals(canonical(b));
    }

    /** The absolute path with links of its existing part resolved, so that two spellings of one file compare equal. */
    private static Path canonical(Path p) {
        Path abs = p.toAbsolutePath().normalize();
        Path existing = abs;
        while (existing != null && !Files.exists(existing)) existing = existing.getParent();
        if (existing == null) return abs;
        try {
            return existing.toRealPath().resolve(existing.relativize(abs));
        } catch (IOException e) {
            return abs;
        }
    }
}
