package cai4j.export;

import cai4j.data.Kind;
import cai4j.model.Message;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.parquet.conf.PlainParquetConfiguration;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.example.data.simple.SimpleGroupFactory;
import org.apache.parquet.hadoop.ParquetFileWriter;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.example.ExampleParquetWriter;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.io.LocalOutputFile;
import org.apache.parquet.schema.LogicalTypeAnnotation;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName;
import org.apache.parquet.schema.Type;
import org.apache.parquet.schema.Types;

/**
 * Parquet with the columns of {@link Row}, readable by Hugging Face {@code datasets} (through
 * pyarrow): strings are UTF-8 {@code STRING}s, conversations are standard three-level
 * {@code LIST}s of {@code struct<role, content>}, the soft label an optional double.
 */
final class ParquetFormat implements ExportFormat {

    static final MessageType SCHEMA = Types.buildMessage()
            .addField(string("id"))
            .addField(string("kind"))
            .addField(messages("prompt"))
            .addField(messages("messages"))
            .addField(messages("chosen"))
            .addField(messages("rejected"))
            .optional(PrimitiveTypeName.DOUBLE).named("score")
            .addField(Types.requiredList().requiredElement(PrimitiveTypeName.BINARY).as(LogicalTypeAnnotation.stringType()).named("clause_ids"))
            .addField(string("model"))
            .named("cai4j_row");

    private static Type string(String name) {
        return Types.required(PrimitiveTypeName.BINARY).as(LogicalTypeAnnotation.stringType()).named(name);
    }

    private static Type messages(String name) {
        return Types.requiredList().requiredGroupElement()
                .addField(string("role"))
                .addField(string("content"))
                .named(name);
    }

    @Override public String name() { return "parquet"; }
    @Override public String extension() { return "parquet"; }
    @Override public Shape shape() { return Shape.ANY; }
    @Override public Set<Kind> defaultKinds() { return Set.of(Kind.values()); }

    @Override
    public String description() {
        return "Apache Parquet for Hugging Face datasets: id, kind, prompt, messages, chosen, rejected (lists of {role, content}), score, clause_ids, model";
    }

    @Override
    public void write(List<Row> rows, Path file) {
        Path dir = file.toAbsolutePath().getParent();
        try {
            Files.createDirectories(dir);
            Path tmp = Files.createTempFile(dir, "." + file.getFileName(), ".tmp");
            SimpleGroupFactory groups = new SimpleGroupFactory(SCHEMA);
            try (ParquetWriter<Group> w = ExampleParquetWriter.builder(new LocalOutputFile(tmp))
                    .withConf(new PlainParquetConfiguration())
                    .withType(SCHEMA)
                    .withCodecFactory(new GzipCodec())
                    .withCompressionCodec(CompressionCodecName.GZIP)
                    .withWriteMode(ParquetFileWriter.Mode.OVERWRITE)
                    .withExtraMetaData(Map.of("created_by_tool", "cai4j"))
                    .build()) {
                for (Row r : rows) w.write(group(groups, r));
            }
            cai4j.Json.readableByAll(tmp);
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }

    private static Group group(SimpleGroupFactory groups, Row r) {
        Group g = groups.newGroup()
                .append("id", r.id())
                .append("kind", r.kind());
        addMessages(g, "prompt", r.prompt());
        addMessages(g, "messages", r.messages());
        addMessages(g, "chosen", r.chosen());
        addMessages(g, "rejected", r.rejected());
        if (r.score() != null) g.append("score", r.score());
        Group ids = g.addGroup("clause_ids");
        for (String id : r.clauseIds()) ids.addGroup("list").append("element", id);
        g.append("model", r.model());
        return g;
    }

    private static void addMessages(Group g, String field, List<Message> messages) {
        Group list = g.addGroup(field);
        for (Message m : messages) list.addGroup("list").addGroup("element").append("role", m.role()).append("content", m.content());
    }
}
