package cai4j.run;

import static org.assertj.core.api.Assertions.assertThat;

import cai4j.model.ModelSpec;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The one rule of role defaults: target, else $CAI4J_MODEL, else the embedded model; judge the target; generator the judge. */
class RolesTest {

    static final String A = "openai:a@http://127.0.0.1:9/v1", B = "openai:b@http://127.0.0.1:9/v1", C = "anthropic:c";

    static Roles resolve(String target, String judge, String generator, Map<String, String> env) {
        Map<Role, String> named = Roles.named();
        if (target != null) named.put(Role.TARGET, target);
        if (judge != null) named.put(Role.JUDGE, judge);
        if (generator != null) named.put(Role.GENERATOR, generator);
        return Roles.resolve(named, env);
    }

    @Test
    void withNoModelNamedEveryRoleIsTheEmbeddedModel() {
        Roles r = resolve(null, null, null, Map.of());
        assertThat(r.target()).isEqualTo(ModelSpec.DEFAULT);
        assertThat(r.judge()).isEqualTo(ModelSpec.DEFAULT);
        assertThat(r.generator()).isEqualTo(ModelSpec.DEFAULT);
        assertThat(r.trained()).isEmpty();
    }

    @Test
    void theEnvironmentReplacesTheEmbeddedModelUnlessItIsBlank() {
        assertThat(resolve(null, null, null, Map.of(Roles.ENV, " " + A + " ")).generator()).isEqualTo(ModelSpec.parse(A));
        assertThat(resolve(null, null, null, Map.of(Roles.ENV, "  ")).target()).isEqualTo(ModelSpec.DEFAULT);
        assertThat(resolve(B, null, null, Map.of(Roles.ENV, A)).target()).as("a named target wins").isEqualTo(ModelSpec.parse(B));
    }

    @Test
    void theJudgeDefaultsToTheTargetAndTheGeneratorToTheJudge() {
        Roles targetOnly = resolve(A, null, null, Map.of());
        assertThat(targetOnly.judge()).isEqualTo(ModelSpec.parse(A));
        assertThat(targetOnly.generator()).isEqualTo(ModelSpec.parse(A));

        Roles withJudge = resolve(A, B, null, Map.of());
        assertThat(withJudge.generator()).isEqualTo(ModelSpec.parse(B));

        // a generator named alone does not move the judge: the judge follows the target
        Roles withGenerator = resolve(A, null, C, Map.of());
        assertThat(withGenerator.judge()).isEqualTo(ModelSpec.parse(A));
        assertThat(withGenerator.generator()).isEqualTo(ModelSpec.parse(C));

        // a command without a target starts the chain from the target's default
        assertThat(resolve(null, null, C, Map.of(Roles.ENV, A)).judge()).isEqualTo(ModelSpec.parse(A));
    }

    @Test
    void theTrainedModelIsThereOnlyWhenNamed() {
        Map<Role, String> named = Roles.named();
        named.put(Role.TRAINED, B);
        Roles r = Roles.resolve(named, Map.of());
        assertThat(r.trained()).contains(ModelSpec.parse(B));
        assertThat(r.asMap()).containsEntry("trained", B);
        assertThat(resolve(A, null, null, Map.of()).asMap()).doesNotContainKey("trained");
    }

    @Test
    void theSelfJudgingNoteSaysWhoseWorkTheJudgeGrades() {
        assertThat(resolve(A, null, null, Map.of()).selfJudgingNote()).contains(
                "note: the judge (" + A + ") is also the target and the generator, so it grades its own work; pass --judge and --generator to use other models.");
        assertThat(resolve(A, B, null, Map.of()).selfJudgingNote()).contains(
                "note: the judge (" + B + ") is also the generator, so it grades its own work; pass --judge and --generator to use other models.");
        assertThat(resolve(A, null, C, Map.of()).selfJudgingNote()).contains(
                "note: the judge (" + A + ") is also the target, so it grades its own work; pass --judge to use other models.");
        assertThat(resolve(A, B, C, Map.of()).selfJudgingNote()).isEmpty();
    }
}
