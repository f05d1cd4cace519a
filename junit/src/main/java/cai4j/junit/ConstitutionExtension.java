package cai4j.junit;

import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/** Gives a {@link ConstitutionTest} method its {@link ConstitutionGate}, configured for that method. */
public final class ConstitutionExtension implements ParameterResolver {

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        return parameter.getParameter().getType() == ConstitutionGate.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        // nothing is read here: a missing judge must skip the test, which only the test method itself can do
        return new ConstitutionGate(Settings.of(context), context);
    }
}
