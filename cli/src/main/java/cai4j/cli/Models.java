package cai4j.cli;

import cai4j.evals.Progress;
import cai4j.road.Road;
import cai4j.road.RoadConfig;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;

/** How commands open the road of a run and name models. */
final class Models {
    private Models() {}

    /**
     * The model every role uses when none is named: the embedded llama.cpp model. The
     * environment variable CAI4J_MODEL overrides it for every command.
     */
    static final String DEFAULT_SPEC = "llama:Qwen/Qwen2.5-1.5B-Instruct-GGUF/qwen2.5-1.5b-instruct-q4_k_m.gguf";

    static String defaultSpec() {
        String env = System.getenv("CAI4J_MODEL");
        return env == null || env.isBlank() ? DEFAULT_SPEC : env.strip();
    }

    /** Opens the road of a run directory, with its progress line on stderr. */
    static Road road(Path runDir) {
        return Road.open(runDir, RoadConfig.defaults().withProgress(System.err, Duration.ofSeconds(2)));
    }

    /** Stage progress for people: one stderr line as each stage starts and ends; the road's line shows calls and cost. */
    static Progress progress(Road road, PrintWriter err) {
        return (stage, done, total) -> {
            if (done == 0) {
                road.progress().plan(total);
                err.println(stage + ": " + total + (total == 1 ? " item" : " items"));
            } else if (done == total) {
                err.println(stage + ": done");
            }
        };
    }
}
