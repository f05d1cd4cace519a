package cai4j.export;

import cai4j.InputError;
import cai4j.data.Kind;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Exports a run's data in one format: reads {@code data/*.jsonl}, keeps the kinds and rows the
 * format takes, filters, splits off a held-out set, writes the files and a dataset card.
 *
 * <p>Files: {@code train.<ext>}, {@code test.<ext>} (when there is a split) and {@code README.md}
 * in {@code <run>/export/<format>/}; or, with an output file, that file, its test file beside it
 * ({@code test.<ext>} when the file is {@code train.<ext>}, otherwise {@code <name>-test.<ext>}),
 * and the card in the same folder.
 */
public final class Exporter {
    private Exporter() {}

    /**
     * @param runDir  the run
     * @param format  the format
     * @param kinds   the kinds to export; empty for the format's defaults that the run has
     * @param output  the train file; empty for the run's export folder
     * @param filters what to leave out
     * @param split   the held-out fraction
     */
    public record Request(Path runDir, ExportFormat format, Set<Kind> kinds, Optional<Path> output, Filters filters, Split split) {
        public Request {
            kinds = kinds.isEmpty() ? Set.of() : EnumSet.copyOf(kinds);
        }
    }

    /**
     * @param train    the train file
     * @param test     the held-out file, when there is one
     * @param card     the dataset card
     * @param counts   rows per split ("train", "test") and per kind ("train/sft", ...)
     * @param dropped  rows left out, by reason
     */
    public record Result(Path train, Optional<Path> test, Path card, Map<String, Integer> counts, Map<String, Integer> dropped) {}

    public static Result export(Request req) {
        RunData data = RunData.read(req.runDir());
        ExportFormat format = req.format();
        Set<Kind> kinds = req.kinds().isEmpty() ? EnumSet.copyOf(format.defaultKinds()) : req.kinds();
        if (!req.kinds().isEmpty()) {
            for (Kind k : kinds) {
                if (!data.rows().containsKey(k)) throw new InputError("Run " + req.runDir() + " has no " + k.fileName() + " data (it has " + present(data) + ").");
            }
        }
        kinds.retainAll(data.rows().keySet());
        if (kinds.isEmpty()) {
            throw new InputError("Format " + format.name() + " takes " + names(format.defaultKinds()) + " data by default, and run "
                    + req.runDir() + " has " + present(data) + "; name the kinds with --kind.");
        }
        List<Row> rows = new ArrayList<>();
        Map<String, Integer> dropped = new LinkedHashMap<>();
        for (Kind k : kinds) {
            for (Row r : data.rows().get(k)) {
                if (format.accepts(r)) rows.add(r);
                else dropped.merge(k.fileName() + " rows that are not " + (format.shape() == ExportFormat.Shape.PAIR ? "pairs" : "conversations"), 1, Integer::sum);
            }
        }
        Filters.Outcome filtered = req.filters().apply(rows, format.shape() == ExportFormat.Shape.PAIR);
        filtered.dropped().forEach((k, v) -> dropped.merge(k, v, Integer::sum));
        List<Row> train = new ArrayList<>(), test = new ArrayList<>();
        for (Row r : filtered.kept()) (req.split().heldOut(r) ? test : train).add(r);
        if (train.isEmpty() && test.isEmpty()) {
            throw new InputError("Nothing is left to export from " + req.runDir() + " after the filters (" + dropped + ").");
        }

        Path trainFile = req.output().orElse(req.runDir().resolve("export").resolve(format.name()).resolve("train." + format.extension()));
        Path dir = trainFile.toAbsolutePath().getParent();
        Path testFile = trainFile.resolveSibling(testName(trainFile.getFileName().toString(), format.extension()));
        format.write(train, trainFile);
        Optional<Path> testOut = Optional.empty();
        if (req.split().fraction() > 0) {
            format.write(test, testFile);
            testOut = Optional.of(testFile);
        } else {
            try {
                Files.deleteIfExists(testFile); // an earlier export's held-out file would be stale
            } catch (java.io.IOException ignored) {
                // a leftover file is harmless: the card names the files of this export
            }
        }

        Map<String, Integer> counts = new LinkedHashMap<>();
        counts.put("train", train.size());
        counts.put("test", test.size());
        for (Row r : train) counts.merge("train/" + r.kind(), 1, Integer::sum);
        for (Row r : test) counts.merge("test/" + r.kind(), 1, Integer::sum);
        Path card = DatasetCard.write(dir, trainFile, testOut, req, data, kinds, counts, dropped, filtered.kept());
        return new Result(trainFile, testOut, card, counts, dropped);
    }

    static String testName(String trainName, String ext) {
        String stem = trainName.endsWith("." + ext) ? trainName.substring(0, trainName.length() - ext.length() - 1) : trainName;
        return stem.equals("train") ? "test." + ext : stem + "-test." + ext;
    }

    private static String present(RunData data) {
        return data.rows().isEmpty() ? "no data" : names(data.rows().keySet()) + " data";
    }

    private static String names(Set<Kind> kinds) {
        return String.join(", ", kinds.stream().sorted().map(Kind::fileName).toList());
    }
}
