package cai4j.run;

import cai4j.report.RunReport;

/** Renders the report page of a run; the page and its scripts belong to the command line, the pipeline only writes it. */
@FunctionalInterface
public interface PageRenderer {
    String html(RunReport report);

    /** The page of a run not finished yet, under a notice naming what is still missing; by default the plain page. */
    default String partial(RunReport report, String missing) {
        return html(report);
    }
}
