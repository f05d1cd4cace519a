package cai4j.junit;

import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.launcher.EngineFilter;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestIdentifier;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;

/**
 * Runs a test class through the JUnit Platform launcher, as Surefire does, and records what a
 * report lists: every test and container with its outcome, in the order they finished.
 */
record Outcomes(List<Outcome> all) {

    /**
     * One finished test or container.
     *
     * @param skipped why a test was skipped before it ran ("" when it ran)
     */
    record Outcome(TestIdentifier id, TestExecutionResult result, String skipped) {
        String name() { return id.getDisplayName(); }
        TestExecutionResult.Status status() { return result.getStatus(); }
        Optional<Throwable> thrown() { return result.getThrowable(); }
        String message() { return thrown().map(Throwable::getMessage).orElse(skipped); }
    }

    /** Runs {@code testClass} with the given configuration parameters (cai4j.judge, cai4j.ledger, ...). */
    static Outcomes run(Class<?> testClass, Map<String, String> parameters) {
        List<Outcome> out = Collections.synchronizedList(new ArrayList<>());
        var request = LauncherDiscoveryRequestBuilder.request()
                .selectors(selectClass(testClass))
                .filters(EngineFilter.includeEngines("junit-jupiter"))
                .configurationParameters(parameters)
                .build();
        LauncherFactory.create().execute(request, new TestExecutionListener() {
            @Override
            public void executionFinished(TestIdentifier id, TestExecutionResult result) {
                out.add(new Outcome(id, result, ""));
            }

            @Override
            public void executionSkipped(TestIdentifier id, String reason) {
                out.add(new Outcome(id, TestExecutionResult.aborted(null), reason));
            }
        });
        return new Outcomes(List.copyOf(out));
    }

    /** The tests (not containers), as a report lists them. */
    List<Outcome> tests() {
        return all.stream().filter(o -> o.id().isTest()).toList();
    }

    /** The test whose name starts with {@code prefix}; exactly one must. */
    Outcome test(String prefix) {
        List<Outcome> found = tests().stream().filter(o -> o.name().startsWith(prefix)).toList();
        if (found.size() != 1) throw new AssertionError("expected one test named " + prefix + "..., found " + found.stream().map(Outcome::name).toList());
        return found.getFirst();
    }

    /** The container of the test method {@code name}. */
    Outcome method(String name) {
        return all.stream().filter(o -> o.id().isContainer() && o.name().startsWith(name + "(")).findFirst()
                .orElseThrow(() -> new AssertionError("no container " + name + " among " + all.stream().map(Outcome::name).toList()));
    }
}
