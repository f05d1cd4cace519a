package cai4j.data;

/** Told after each item of a stage finishes; the command line draws it on stderr. */
@FunctionalInterface
public interface Progress {
    Progress NONE = (stage, done, total) -> {};

    void update(String stage, int done, int total);
}
