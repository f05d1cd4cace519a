package cai4j.evals;

/** Where long stages report how far they are; the command line prints it to stderr. */
@FunctionalInterface
public interface Progress {
    Progress NONE = (stage, done, total) -> {};

    void update(String stage, int done, int total);
}
