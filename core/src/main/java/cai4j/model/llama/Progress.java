package cai4j.model.llama;

import java.io.PrintStream;
import java.util.Locale;

/** Reports how far a download has got. */
public interface Progress {

    /** {@code total} is -1 when the server did not say. */
    void update(long done, long total);

    default void finish() {}

    Progress NONE = (done, total) -> {};

    /** A one-line bar on standard error, redrawn at most four times a second. */
    static Progress bar(String label) {
        return bar(label, System.err);
    }

    static Progress bar(String label, PrintStream err) {
        return new Progress() {
            private long last;
            private long lastDone = -1, lastTotal = -1;
            private final long start = System.nanoTime();

            @Override
            public void update(long done, long total) {
                lastDone = done;
                lastTotal = total;
                long now = System.nanoTime();
                if (now - last < 250_000_000L) return;
                last = now;
                draw(done, total);
            }

            private void draw(long done, long total) {
                double seconds = Math.max(1e-3, (System.nanoTime() - start) / 1e9);
                String rate = mib(done / seconds) + "/s";
                if (total > 0) {
                    int width = 30;
                    int filled = (int) Math.min(width, width * done / total);
                    err.printf(Locale.ROOT, "\r%s [%s%s] %5.1f%% %s / %s %s   ", label, "#".repeat(filled), ".".repeat(width - filled),
                            100.0 * done / total, mib(done), mib(total), rate);
                } else {
                    err.printf(Locale.ROOT, "\r%s %s %s   ", label, mib(done), rate);
                }
                err.flush();
            }

            @Override
            public void finish() {
                if (lastDone >= 0) draw(lastDone, lastTotal);
                err.println();
            }
        };
    }

    private static String mib(double bytes) {
        return String.format(Locale.ROOT, "%.1f MiB", bytes / (1024 * 1024));
    }
}
