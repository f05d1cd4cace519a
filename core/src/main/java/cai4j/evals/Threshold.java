package cai4j.evals;

import cai4j.InputError;

/** A minimum adherence, written as a fraction ({@code 0.9}) or a percentage ({@code 90%}). */
public final class Threshold {
    private Threshold() {}

    /**
     * The fraction {@code text} names.
     *
     * @param name what the value was given as ("--fail-under", a property key), for the message when it is not a fraction
     */
    public static double parse(String text, String name) {
        String s = text.strip();
        boolean percent = s.endsWith("%");
        if (percent) s = s.substring(0, s.length() - 1).strip();
        try {
            double v = Double.parseDouble(s);
            if (percent) v /= 100;
            if (v < 0 || v > 1 || Double.isNaN(v)) throw new NumberFormatException();
            return v;
        } catch (NumberFormatException e) {
            throw new InputError(name + " '" + text + "' is not a fraction between 0 and 1 (such as 0.9) or a percentage (such as 90%).");
        }
    }
}
