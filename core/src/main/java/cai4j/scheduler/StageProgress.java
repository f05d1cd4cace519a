package cai4j.scheduler;

/** Where long stages (scenario generation, judging, each kind of training data) report how far they are; the command line prints it to stderr. */
@FunctionalInterface
public interface StageProgress {
    StageProgress NONE = (stage, done, total) -> {};

    void update(String stage, int done, int total);
}
