package cai4j.run;

import java.nio.file.Path;

/** Where a run keeps its files; the files of each stage are named by the stage's own package (EvalFiles, DataRun, ...). */
public record RunDirectory(Path path) {

    /** {@code runs/<constitution file name without extension>}. */
    public static RunDirectory defaultFor(Path constitution) {
        String n = constitution.getFileName().toString();
        int dot = n.lastIndexOf('.');
        return new RunDirectory(Path.of("runs", dot > 0 ? n.substring(0, dot) : n));
    }

    public Path manifest() {
        return path.resolve("manifest.json");
    }

    public Path ledger() {
        return path.resolve("ledger.db");
    }

    public Path report() {
        return path.resolve("report.html");
    }

    public Path summary() {
        return path.resolve("summary.json");
    }
}
