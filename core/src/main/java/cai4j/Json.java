package cai4j;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/** The project's JSON mapper and the crash-safe ways it writes files. */
public final class Json {
    private Json() {}

    public static final ObjectMapper MAPPER = JsonMapper.builder()
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .disable(SerializationFeature.FAIL_ON_EMPTY_BEANS)
            .serializationInclusion(JsonInclude.Include.NON_ABSENT)
            .build();

    public static String write(Object value) {
        try {
            return MAPPER.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialise " + value.getClass().getSimpleName(), e);
        }
    }

    public static String pretty(Object value) {
        try {
            return MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialise " + value.getClass().getSimpleName(), e);
        }
    }

    /**
     * Writes a whole file atomically: a temp file in the same folder, then a rename. A write that
     * fails (a full disk, a read-only folder) removes its temp file and says which file it was.
     */
    public static void writeAtomically(Path file, String content) {
        if (Files.isDirectory(file)) throw new InputError("Cannot write " + file + ": it is a folder; name a file.");
        Path tmp = null;
        try {
            Path dir = file.toAbsolutePath().getParent();
            Files.createDirectories(dir);
            tmp = Files.createTempFile(dir, "." + file.getFileName(), ".tmp");
            readableByAll(tmp);
            Files.writeString(tmp, content, StandardCharsets.UTF_8);
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
                ch.force(true);
            }
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            tmp = null;
        } catch (IOException e) {
            throw FileProblem.writing(file, e);
        } finally {
            if (tmp != null) {
                try {
                    Files.deleteIfExists(tmp);
                } catch (IOException ignored) {
                    // the write already failed; that error is the one to report
                }
            }
        }
    }

    /**
     * Temp files are created private (rw-------); outputs are meant to be shared like any file the
     * user writes, so they get rw-r--r-- where the file system has POSIX permissions.
     */
    public static void readableByAll(Path file) throws IOException {
        try {
            Files.setPosixFilePermissions(file, java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--"));
        } catch (UnsupportedOperationException notPosix) {
            // Windows: the default ACLs already let others read
        }
    }

    /** Writes a list of records as JSON Lines, atomically. */
    public static void writeLines(Path file, List<?> values) {
        StringBuilder sb = new StringBuilder();
        for (Object v : values) sb.append(write(v)).append('\n');
        writeAtomically(file, sb.toString());
    }

    /**
     * A record refused the line (valid JSON, wrong content). Records say which field with
     * {@link #required}; a null reached elsewhere says only that a field is missing, never "coll".
     */
    private static String missing(Throwable refusal) {
        if (refusal instanceof MissingField m) return "has no \"" + m.field + "\" field.";
        if (refusal instanceof InputError || refusal instanceof IllegalArgumentException) {
            String m = refusal.getMessage();
            return "is not usable: " + (m == null ? "a field has the wrong value." : m);
        }
        return "lacks a field it needs or has one of the wrong kind.";
    }

    /** Thrown by a record's constructor for a field its JSON line left out. */
    public static final class MissingField extends IllegalArgumentException {
        final String field;

        MissingField(String field) {
            super("no \"" + field + "\" field");
            this.field = field;
        }
    }

    /** The value of a field a record cannot do without; a line that lacks it is named with the field. */
    public static <T> T required(T value, String field) {
        if (value == null) throw new MissingField(field);
        return value;
    }

    /**
     * Reads JSON Lines written by {@link #writeLines} or appended whole lines at a time; a last
     * line without its newline is a torn write from a crash and is ignored.
     */
    public static <T> List<T> readLines(Path file, Class<T> type) {
        List<T> out = new ArrayList<>();
        try {
            String text = Files.readString(file, StandardCharsets.UTF_8);
            // editors on Windows start UTF-8 files with a byte-order mark; it is not part of the JSON
            int start = text.startsWith("\uFEFF") ? 1 : 0;
            int lineNo = 0;
            while (start < text.length()) {
                int nl = text.indexOf('\n', start);
                if (nl < 0) break; // torn last line
                lineNo++;
                String line = text.substring(start, nl).strip();
                start = nl + 1;
                if (line.isEmpty()) continue;
                try {
                    out.add(MAPPER.readValue(line, type));
                } catch (com.fasterxml.jackson.databind.exc.ValueInstantiationException e) {
                    throw new InputError(file + " line " + lineNo + " " + missing(e.getCause()), e);
                } catch (JsonProcessingException e) {
                    throw new InputError(file + " line " + lineNo + " is not valid JSON: " + e.getOriginalMessage());
                }
            }
            return out;
        } catch (IOException e) {
            throw new InputError("Cannot read " + file + ": " + cai4j.FileProblem.reason(e) + ".", e);
        }
    }
}
