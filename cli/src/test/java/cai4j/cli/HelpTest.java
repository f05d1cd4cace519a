package cai4j.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class HelpTest {

    /** Every command path, such as [judge, calibrate]. */
    static List<List<String>> commands(CommandLine cl, List<String> path) {
        List<List<String>> out = new ArrayList<>();
        out.add(path);
        cl.getSubcommands().forEach((name, sub) -> {
            // picocli lists aliases too; "help" is picocli's own
            if (!name.equals(sub.getCommandName()) || name.equals("help")) return;
            List<String> p = new ArrayList<>(path);
            p.add(name);
            out.addAll(commands(sub, p));
        });
        return out;
    }

    @Test
    void everyCommandsHelpPrintsCleanlyWithoutPicocliWarnings() {
        List<List<String>> all = commands(new CommandLine(new Main()), List.of());
        assertThat(all).hasSizeGreaterThan(15).contains(List.of("judge", "calibrate"), List.of("run"));
        PrintStream stderr = System.err;
        for (List<String> path : all) {
            List<String> args = new ArrayList<>(path);
            args.add("--help");
            StringWriter out = new StringWriter(), err = new StringWriter();
            ByteArrayOutputStream warnings = new ByteArrayOutputStream();
            int code;
            System.setErr(new PrintStream(warnings, true, StandardCharsets.UTF_8));
            try {
                code = Main.execute(args.toArray(String[]::new), new PrintWriter(out), new PrintWriter(err));
            } finally {
                System.setErr(stderr);
            }
            String name = String.join(" ", args);
            assertThat(code).as(name).isZero();
            assertThat(err.toString()).as(name).isEmpty();
            assertThat(warnings.toString(StandardCharsets.UTF_8)).as(name + " warnings").isEmpty();
            assertThat(out.toString()).as(name).startsWith("Usage: cai4j").doesNotContain("%n", "${");
        }
    }
}
