package cai4j.constitution;

import java.nio.file.Path;

/**
 * A constitution document as read from disk: its path (for messages), its text and the hash of
 * its bytes.
 */
record Source(Path path, String text, String sha256) {

    /** The file name, for messages. */
    String name() {
        return path.toString();
    }

    String extension() {
        String n = path.getFileName().toString().toLowerCase(java.util.Locale.ROOT);
        int dot = n.lastIndexOf('.');
        return dot < 0 ? "" : n.substring(dot + 1);
    }

    /** The first character that is not white space, or 0 for a blank document. */
    char firstSignificant() {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (!Character.isWhitespace(c) && c != '\uFEFF') return c;
        }
        return 0;
    }
}
