package cai4j.model.llama;

import de.kherud.llama.LlamaModel;
import de.kherud.llama.LogLevel;
import de.kherud.llama.args.LogFormat;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Loads llama.cpp once per JVM, quietly.
 *
 * <p>The bindings would extract their native library into the temp folder and announce it on
 * standard output, which is where a command's results go. So the library is extracted here, into
 * the cai4j cache, and the bindings are pointed at it.
 *
 * <p>Logging: llama.cpp's own log ({@code llama_log_set}) is routed to SLF4J, logger
 * {@code cai4j.llama.native}, errors at WARN and the rest at DEBUG. The bindings' server part writes
 * its log straight to standard error and re-installs its own llama.cpp log hook when a model loads,
 * so that part is switched off unless the native logger is at DEBUG ({@link #verbose()}), and the
 * SLF4J hook is installed again after every load ({@link #routeLog()}). A run is quiet unless asked
 * otherwise ({@code --debug}).
 */
final class NativeRuntime {
    private static final Logger NATIVE_LOG = LoggerFactory.getLogger("cai4j.llama.native");
    private static final String BINDINGS_VERSION = "4.2.0";
    private static boolean loaded;

    private NativeRuntime() {}

    static synchronized void load(Path cacheHome) {
        if (loaded) return;
        if (System.getProperty("de.kherud.llama.lib.path") == null) {
            extract(cacheHome.resolve("native").resolve("jllama-" + BINDINGS_VERSION));
        }
        routeLog();
        loaded = true;
    }

    /** True when the native log is wanted; then the bindings may write their own log to standard error. */
    static boolean verbose() {
        return NATIVE_LOG.isDebugEnabled();
    }

    static void routeLog() {
        LlamaModel.setLogger(LogFormat.TEXT, NativeRuntime::log);
    }

    private static void log(LogLevel level, String message) {
        String m = message.stripTrailing();
        if (m.isEmpty()) return;
        if (level == LogLevel.ERROR) NATIVE_LOG.warn(m);
        else NATIVE_LOG.debug(m);
    }

    /** Copies the platform's library out of the bindings' jar, once; leaves the bindings to their own search if absent. */
    private static void extract(Path dir) {
        String name = System.mapLibraryName("jllama");
        String resource = "/de/kherud/llama/" + osFolder() + "/" + archFolder() + "/" + name;
        try (InputStream in = LlamaModel.class.getResourceAsStream(resource)) {
            if (in == null) return;
            Path target = dir.resolve(name);
            if (!Files.isRegularFile(target)) {
                Files.createDirectories(dir);
                Path tmp = Files.createTempFile(dir, name, ".tmp");
                Files.copy(in, tmp, StandardCopyOption.REPLACE_EXISTING);
                // a rename, so that a concurrent process never loads a half-written library
                Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            }
            System.setProperty("de.kherud.llama.lib.path", dir.toString());
        } catch (IOException e) {
            NATIVE_LOG.debug("could not extract the llama.cpp library to {}: {}", dir, e.toString());
        }
    }

    private static String osFolder() {
        String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
        if (os.contains("win")) return "Windows";
        if (os.contains("mac") || os.contains("darwin")) return "Mac";
        return "Linux";
    }

    private static String archFolder() {
        String arch = System.getProperty("os.arch", "").toLowerCase(Locale.ROOT);
        return switch (arch) {
            case "amd64", "x86_64", "x64" -> "x86_64";
            case "aarch64", "arm64" -> "aarch64";
            case "x86", "i386", "i686" -> "x86";
            default -> arch;
        };
    }
}
