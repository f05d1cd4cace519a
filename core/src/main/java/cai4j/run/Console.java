package cai4j.run;

import cai4j.road.Road;
import cai4j.scheduler.StageProgress;

/** Where a run speaks: results for a person or a script, notes and progress on the side. */
public interface Console {
    /** Results (the command's standard output), printed as given. */
    void print(String text);

    /** A line about the work (standard error): stage headers, notes, skipped steps. */
    void note(String line);

    /** The progress of long stages on this road. */
    StageProgress progress(Road road);
}
