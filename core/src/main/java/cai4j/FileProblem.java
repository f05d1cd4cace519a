package cai4j;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.CharacterCodingException;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Says in plain words why a file could not be read or written. The JDK's messages are a class name
 * and a path ("NoSuchFileException: x", "Input length = 3"), which tell a user nothing they can act on.
 */
public final class FileProblem {
    private FileProblem() {}

    /** The reason in a few lowercase words, without the path and without a class name. */
    public static String reason(IOException e) {
        if (e instanceof NoSuchFileException) return "it does not exist";
        if (e instanceof AccessDeniedException) return "permission denied";
        if (e instanceof NotDirectoryException) return "a part of the path is not a folder";
        if (e instanceof FileAlreadyExistsException) return "it already exists";
        if (e instanceof DirectoryNotEmptyException) return "it is a folder";
        if (e instanceof CharacterCodingException) return "it is not UTF-8 text";
        if (e instanceof FileSystemException fs && fs.getReason() != null) return lower(fs.getReason());
        String m = e.getMessage();
        if (m == null || m.isBlank()) return "an I/O error";
        return lower(m);
    }

    /** An input error for a file that cannot be read: "cannot read the prompt file x: it does not exist." */
    public static InputError reading(String what, Path file, IOException e) {
        return new InputError("Cannot read " + what + " " + file + ": " + reason(e) + ".", e);
    }

    /** An input error for a file that cannot be written, e.g. on a full disk or in a read-only folder. */
    public static InputError writing(Path file, IOException e) {
        return new InputError("Cannot write " + file + ": " + reason(e) + ".", e);
    }

    /** The same for a write that was wrapped on its way up. */
    public static InputError writing(UncheckedIOException e) {
        IOException cause = e.getCause();
        String m = e.getMessage();
        // new UncheckedIOException(cause) takes the cause's toString, a class name: not a sentence to show
        boolean own = m != null && !m.equals(cause.toString()) && !m.isBlank();
        String what = own ? Character.toUpperCase(m.charAt(0)) + m.substring(1) : "A file could not be read or written";
        if (cause instanceof NoSuchFileException || cause instanceof AccessDeniedException) {
            String file = ((FileSystemException) cause).getFile();
            if (!own && file != null) what = "Cannot use " + file;
        }
        return new InputError(what + ": " + reason(cause) + ".", e);
    }

    private static String lower(String s) {
        String t = s.strip();
        if (t.endsWith(".")) t = t.substring(0, t.length() - 1);
        return t.isEmpty() ? t : t.substring(0, 1).toLowerCase(Locale.ROOT) + t.substring(1);
    }
}
