package cai4j.cli;

import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * Converters for options that only make sense above zero (a timeout, a token limit): a negative
 * value is a usage error at parse time, not an exception deep inside a model call.
 */
final class Positive {
    private Positive() {}

    static final class Seconds implements ITypeConverter<Double> {
        @Override
        public Double convert(String value) {
            double v;
            try {
                v = Double.parseDouble(value.strip());
            } catch (NumberFormatException e) {
                throw new TypeConversionException("'" + value + "' is not a number of seconds");
            }
            if (!(v > 0) || Double.isInfinite(v)) throw new TypeConversionException("'" + value + "' must be a number of seconds above 0");
            return v;
        }
    }

    static final class Count implements ITypeConverter<Integer> {
        @Override
        public Integer convert(String value) {
            int v;
            try {
                v = Integer.parseInt(value.strip());
            } catch (NumberFormatException e) {
                throw new TypeConversionException("'" + value + "' is not a whole number");
            }
            if (v <= 0) throw new TypeConversionException("'" + value + "' must be a whole number above 0");
            return v;
        }
    }
}
