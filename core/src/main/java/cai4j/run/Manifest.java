package cai4j.run;

import cai4j.FileProblem;
import cai4j.InputError;
import cai4j.Json;
import cai4j.Version;
import cai4j.constitution.Constitution;
import cai4j.evals.Condition;
import cai4j.model.Redaction;
import com.fasterxml.jackson.annotation.JsonInclude;
import java.io.IOException;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code RUN/manifest.json}: what made the run's files, so that a run can be told apart from another,
 * reproduced, or explained. Written atomically when a run starts, at each stage, and when it ends.
 *
 * @param command      the command line, with keys and URL passwords replaced by ***
 * @param cai4j        the cai4j version
 * @param java         the Java version
 * @param models       role → model spec
 * @param budget       small, medium or large
 * @param seed         the run's seed
 * @param conditions   the target's conditions
 * @param constitution the constitution's file, title and SHA-256 of its text
 * @param templates    prompt template name → the version hash that goes into the ledger key of its calls
 * @param started      when this invocation started (ISO-8601, UTC)
 * @param ended        when it finished every stage (absent until then)
 * @param stage        the stage reached: the one being worked on, or "done"
 * @param skipped      stage → why it was skipped (an input was absent)
 */
public record Manifest(List<String> command, String cai4j, String java, Map<String, String> models, String budget, long seed,
                       List<String> conditions, ConstitutionRef constitution, Map<String, String> templates,
                       String started, @JsonInclude(JsonInclude.Include.NON_EMPTY) String ended, String stage,
                       Map<String, String> skipped) {

    public static final String DONE = "done";

    public record ConstitutionRef(String file, String title, String sha256) {}

    static Manifest start(RunRequest r, Constitution c, Roles roles, Map<String, String> env, String firstStage, Instant now) {
        return new Manifest(redact(r.command(), env), Version.cai4j(), Version.java(), roles.asMap(), r.budget().word(), r.seed(),
                r.conditions().stream().map(Condition::json).toList(), new ConstitutionRef(r.constitution().toString(), c.title(), c.sha256()),
                Templates.versions(), now.toString(), "", firstStage, Map.of());
    }

    Manifest at(String s) {
        return new Manifest(command, cai4j, java, models, budget, seed, conditions, constitution, templates, started, ended, s, skipped);
    }

    Manifest skipping(String s, String why) {
        Map<String, String> k = new LinkedHashMap<>(skipped);
        k.put(s, why);
        return new Manifest(command, cai4j, java, models, budget, seed, conditions, constitution, templates, started, ended, stage, k);
    }

    Manifest done(Instant now) {
        return new Manifest(command, cai4j, java, models, budget, seed, conditions, constitution, templates, started, now.toString(), DONE, skipped);
    }

    void write(RunDirectory dir) {
        Json.writeAtomically(dir.manifest(), Json.pretty(this) + "\n");
    }

    public static Manifest read(RunDirectory dir) {
        try {
            return Json.MAPPER.readValue(dir.manifest().toFile(), Manifest.class);
        } catch (IOException e) {
            throw new InputError(dir.manifest() + " cannot be read: " + FileProblem.reason(e) + ".", e);
        }
    }

    /**
     * The command line with every key from the environment, anything shaped like a key, and the
     * password of a URL (http://user:password@host) replaced by ***: the manifest is shared with a run.
     */
    static List<String> redact(List<String> command, Map<String, String> env) {
        List<String> keys = Redaction.keysIn(env);
        return command.stream().map(a -> Redaction.redact(a, keys).replaceAll("(://[^/@\\s:]*):[^/@\\s]*@", "$1:***@")).toList();
    }
}
