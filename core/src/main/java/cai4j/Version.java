package cai4j;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;

/** The version of cai4j, written into the jar by the build, and of the Java that runs it. */
public final class Version {
    private Version() {}

    /** e.g. "0.1.0", or "unknown" when the classes run outside a build (an IDE without resource filtering). */
    public static String cai4j() {
        Properties p = new Properties();
        try (InputStream in = Version.class.getResourceAsStream("/cai4j/version.properties")) {
            if (in != null) p.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        String v = p.getProperty("version", "unknown");
        return v.startsWith("${") ? "unknown" : v;
    }

    public static String java() {
        return Runtime.version().toString();
    }
}
