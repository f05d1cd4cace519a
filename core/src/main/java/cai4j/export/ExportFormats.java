package cai4j.export;

import cai4j.InputError;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The registry of export formats, by name. */
public final class ExportFormats {
    private ExportFormats() {}

    private static final Map<String, ExportFormat> FORMATS = new LinkedHashMap<>();

    static {
        for (ExportFormat f : List.of(JsonLinesFormat.openAiSft(), JsonLinesFormat.openAiDpo(), JsonLinesFormat.trlSft(),
                JsonLinesFormat.trlDpo(), JsonLinesFormat.reward(), new ParquetFormat(), JsonLinesFormat.rows())) {
            FORMATS.put(f.name(), f);
        }
    }

    public static List<ExportFormat> all() {
        return List.copyOf(FORMATS.values());
    }

    public static List<String> names() {
        return List.copyOf(FORMATS.keySet());
    }

    public static ExportFormat get(String name) {
        ExportFormat f = FORMATS.get(name);
        if (f == null) throw new InputError("Unknown export format '" + name + "': use one of " + String.join(", ", names()) + ".");
        return f;
    }
}
