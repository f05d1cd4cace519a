package cai4j.junit;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A constitution as a build gate: the annotated method is a test factory that takes a
 * {@link ConstitutionGate} and returns {@code gate.check(application)}, one dynamic test per
 * committed scenario and one per tier for its threshold.
 *
 * <pre>{@code
 * @ConstitutionTest(constitution = "policy.md", scenarios = "src/test/resources/scenarios.jsonl",
 *                   thresholds = {"safe=100%", "helpful=90%"})
 * Stream<DynamicNode> followsThePolicy(ConstitutionGate gate) {
 *     return gate.check(new SupportChat()::reply);
 * }
 * }</pre>
 *
 * Every value may instead come from {@code cai4j.properties} on the test class path, and a JUnit
 * configuration parameter (a system property such as {@code -Dcai4j.judge=openai:gpt-4o-mini},
 * or {@code junit-platform.properties}) overrides both. The keys are {@code cai4j.constitution},
 * {@code cai4j.scenarios}, {@code cai4j.judge}, {@code cai4j.judge.samples}, {@code cai4j.ledger}
 * and {@code cai4j.threshold.<tier>}. An empty value here means "not set here".
 */
@Target(ElementType.METHOD)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@TestFactory
@ExtendWith(ConstitutionExtension.class)
public @interface ConstitutionTest {

    /** The constitution (Markdown, JSON/YAML principle list or plain text), relative to the working directory. */
    String constitution() default "";

    /** The scenarios, a file {@code cai4j evals generate} wrote ({@code evals/scenarios.jsonl}) and that is committed. */
    String scenarios() default "";

    /** The judge's model spec, e.g. {@code openai:gpt-4o-mini}; without a judge the test is skipped and says so. */
    String judge() default "";

    /** Judge answers per scenario; the median score decides (0: not set here, 1 by default). */
    int judgeSamples() default 0;

    /** The folder of the judge's ledger, so that an unchanged answer is not judged again ({@code target/cai4j} by default). */
    String ledger() default "";

    /** Minimum adherence per tier, as {@code "tier=100%"} or {@code "tier=0.9"}; a tier not named must pass every scenario. */
    String[] thresholds() default {};
}
