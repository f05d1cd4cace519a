package harbor;

import cai4j.junit.ConstitutionGate;
import cai4j.junit.ConstitutionTest;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicNode;

/**
 * Harbor against its constitution, on the committed scenarios: one test per scenario and one per
 * tier. It needs two models, Harbor's own ({@code HARBOR_MODEL}) and a judge ({@code -Dcai4j.judge=...});
 * without them it is skipped and says which is missing, so the build passes offline.
 */
class HarborConstitutionTest {

    @ConstitutionTest // constitution, scenarios and thresholds: src/test/resources/cai4j.properties
    Stream<DynamicNode> harborFollowsItsConstitution(ConstitutionGate gate) {
        Optional<String> model = HarborChat.configuredModel(System.getenv());
        if (model.isEmpty()) {
            return gate.skip(HarborChat.MODEL_VARIABLE + " names no model for Harbor to answer with, so its constitution test is skipped; "
                    + "set it to a model spec such as openai:gpt-4o-mini.");
        }
        HarborChat harbor = HarborChat.open(model.get(), System.getenv());
        return gate.check(harbor::reply).onClose(harbor::close);
    }
}
