package cai4j.report;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Which model did what in a run's evaluations, with the versions of the prompt templates it was
 * given, and whether the judge graded its own work. A judge that is the target grades its own
 * answers; a judge that is the generator grades answers to tests it wrote. Both make figures less
 * trustworthy, so the report says so where the figures are, not only on the terminal.
 *
 * @param roles       in pipeline order: generator, filter, target, trained, judge (a role the run has no
 *                    record of is left out)
 * @param selfJudging one sentence per way the judge is not independent (empty when it is)
 */
public record Provenance(List<Role> roles, List<String> selfJudging) {

    public static final Provenance EMPTY = new Provenance(List.of(), List.of());

    public Provenance {
        roles = List.copyOf(roles);
        selfJudging = List.copyOf(selfJudging);
    }

    /**
     * One role.
     *
     * @param role      generator, filter, target, trained (the trained model) or judge
     * @param model     model spec
     * @param templates template name → version of the prompts the role was given
     */
    public record Role(String role, String model, Map<String, String> templates) {
        public Role {
            templates = Collections.unmodifiableMap(new LinkedHashMap<>(templates));
        }
    }

    public static final String GENERATOR = "generator", FILTER = "filter", TARGET = "target", TRAINED = "trained", JUDGE = "judge";

    /** The provenance of these roles (blank models are roles the run has no record of). */
    static Provenance of(List<Role> given) {
        List<Role> roles = given.stream().filter(r -> !r.model().isBlank()).toList();
        String judge = model(roles, JUDGE), target = model(roles, TARGET), trained = model(roles, TRAINED), generator = model(roles, GENERATOR);
        List<String> self = new ArrayList<>();
        if (!judge.isEmpty() && judge.equals(target)) {
            self.add("The judge " + judge + " is also the target: it grades its own answers.");
        }
        if (!judge.isEmpty() && judge.equals(trained)) {
            self.add("The judge " + judge + " is also the trained model: it grades its own answers.");
        }
        if (!judge.isEmpty() && judge.equals(generator)) {
            self.add("The judge " + judge + " also wrote the scenarios: it grades answers to tests of its own making.");
        }
        return new Provenance(roles, self);
    }

    private static String model(List<Role> roles, String role) {
        return roles.stream().filter(r -> r.role().equals(role)).map(Role::model).findFirst().orElse("");
    }

    /** The model of a role ("" when the run has no record of it). */
    public String model(String role) {
        return model(roles, role);
    }
}
