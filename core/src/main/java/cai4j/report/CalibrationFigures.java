package cai4j.report;

import cai4j.evals.Rate;

/**
 * A judge calibration found in the run directory ({@code calibration.json}, written by
 * {@code cai4j judge calibrate --run RUN}).
 *
 * @param judge              model spec of the judge
 * @param template           calibration template version
 * @param items              labelled comparisons asked (each in both option orders)
 * @param accuracy           correct picks over parsed answers
 * @param consistentAccuracy items right in both orders
 * @param positionBias       items whose pick flips with the order
 * @param firstOption        answers picking option A
 * @param unparseable        answers naming neither option
 */
public record CalibrationFigures(String judge, String template, int items, Rate accuracy, Rate consistentAccuracy,
                                 Rate positionBias, Rate firstOption, int unparseable) {}
