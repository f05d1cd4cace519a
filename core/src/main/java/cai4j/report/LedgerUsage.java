package cai4j.report;

import cai4j.evals.Template;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.sqlite.SQLiteConfig;

/**
 * Model calls per stage and model, read straight from a run's {@code ledger.db}. Every request
 * carries the version of the prompt template that built it; that version names the stage. The
 * ledger is opened read-only, so a report never changes the record of a run.
 */
public final class LedgerUsage {
    private LedgerUsage() {}

    /** Calls per stage and model of the run in {@code runDir}, in the order the stages began; empty without a ledger. */
    public static List<StageUsage> read(Path runDir) {
        Path file = runDir.resolve("ledger.db");
        if (!Files.isRegularFile(file)) return List.of();
        SQLiteConfig config = new SQLiteConfig();
        config.setReadOnly(true);
        record Key(String stage, String model) {}
        Map<Key, long[]> counts = new LinkedHashMap<>();
        Map<Key, double[]> amounts = new LinkedHashMap<>();
        try (Connection db = DriverManager.getConnection("jdbc:sqlite:" + file.toAbsolutePath(), config.toProperties());
             Statement s = db.createStatement();
             ResultSet rs = s.executeQuery("""
                     SELECT model, COALESCE(json_extract(request, '$.template'), ''),
                            SUM(status = 'ok'), SUM(status = 'error'),
                            SUM(input_tokens), SUM(output_tokens), SUM(cached_tokens),
                            SUM(cost_usd), SUM(CASE WHEN status = 'ok' THEN latency_ms ELSE 0 END)
                     FROM calls GROUP BY 1, 2 ORDER BY MIN(updated_at)""")) {
            while (rs.next()) {
                Key k = new Key(stage(rs.getString(2)), rs.getString(1));
                long[] c = counts.computeIfAbsent(k, x -> new long[5]);
                c[0] += rs.getLong(3);
                c[1] += rs.getLong(4);
                c[2] += rs.getLong(5);
                c[3] += rs.getLong(6);
                c[4] += rs.getLong(7);
                double[] a = amounts.computeIfAbsent(k, x -> new double[2]);
                a[0] += rs.getDouble(8);
                a[1] += rs.getLong(9) / 1000.0;
            }
        } catch (SQLException e) {
            throw new IllegalStateException("the ledger cannot be read (" + e.getMessage() + ")", e);
        }
        List<StageUsage> out = new ArrayList<>();
        counts.forEach((k, c) -> {
            double[] a = amounts.get(k);
            out.add(new StageUsage(k.stage(), k.model(), c[0], c[1], c[2], c[3], c[4], a[0], a[1]));
        });
        return out;
    }

    /** The evaluation templates' names by version, read once. */
    private static final class EvalsNames {
        static final Map<String, String> BY_VERSION = evalsTemplateNames();
    }

    /**
     * The stage of a request's template version: data templates are written {@code name@hash},
     * evaluation templates as the bare hash of a known template; calls without a template are the
     * target's answers.
     */
    public static String stage(String template) {
        if (template.isEmpty()) return "target";
        int at = template.indexOf('@');
        if (at > 0) return template.substring(0, at);
        return EvalsNames.BY_VERSION.getOrDefault(template, "template " + template);
    }

    private static Map<String, String> evalsTemplateNames() {
        Map<String, String> out = new HashMap<>();
        for (String name : Template.NAMES) {
            try {
                out.put(Template.load(name).version(), name);
            } catch (RuntimeException e) {
                // a template this build no longer has: its calls show under their version
            }
        }
        return out;
    }
}
