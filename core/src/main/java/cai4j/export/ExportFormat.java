package cai4j.export;

import cai4j.data.Kind;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;

/**
 * A file format that fine-tuning tools take. Formats are found by name in {@link ExportFormats};
 * adding one is a class and a line there.
 */
public interface ExportFormat {

    /** What a format needs from each row. */
    enum Shape {
        /** A conversation to imitate (supervised fine-tuning). */
        CONVERSATION,
        /** A preferred and a rejected answer (preference tuning, DPO). */
        PAIR,
        /** Every row, whatever it holds. */
        ANY
    }

    /** The name given to {@code --format}. */
    String name();

    /** One line for --help and the dataset card. */
    String description();

    /** File extension, without the dot. */
    String extension();

    Shape shape();

    /** The kinds exported when none is named. */
    Set<Kind> defaultKinds();

    /** Writes the rows to a file (replacing it). */
    void write(List<Row> rows, Path file);

    /** Whether a row can be written in this format. */
    default boolean accepts(Row row) {
        return switch (shape()) {
            case CONVERSATION -> row.messages().size() > row.prompt().size();
            case PAIR -> row.isPair();
            case ANY -> true;
        };
    }
}
