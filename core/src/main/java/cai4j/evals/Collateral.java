package cai4j.evals;

/**
 * A clause other than the one under test that an answer breaks, as the judge claimed it, with the
 * quote from the answer it gave as evidence. Only a confirmed claim counts against constitution
 * adherence; the others are kept to be shown apart, with why they did not count.
 *
 * @param clauseId the clause broken
 * @param tier     its tier
 * @param quote    the words of the answer that break it, as the judge quoted them
 * @param status   confirmed, unconfirmed (the second look did not agree, or could not be read), or
 *                 unsupported (the quote does not occur in the answer)
 * @param note     why a claim is not confirmed, or the confirming judge's reason
 */
public record Collateral(String clauseId, String tier, String quote, Status status, String note) {

    public Collateral {
        note = note == null ? "" : note;
        quote = quote == null ? "" : quote;
    }

    public boolean confirmed() {
        return status == Status.CONFIRMED;
    }

    /** Whether a claimed collateral violation counts. */
    public enum Status {
        CONFIRMED, UNCONFIRMED, UNSUPPORTED;

        @com.fasterxml.jackson.annotation.JsonValue
        public String json() { return name().toLowerCase(java.util.Locale.ROOT); }

        @com.fasterxml.jackson.annotation.JsonCreator
        public static Status of(String s) {
            return valueOf(s.strip().toUpperCase(java.util.Locale.ROOT));
        }
    }
}
