package dev.archiver.examples.daemon;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.archiver.format.RecordReader;
import dev.archiver.record.ArchiveRecord;
import dev.archiver.record.RecordHeader;
import dev.archiver.storage.ObjectInfo;
import dev.archiver.storage.ObjectStorage;
import dev.archiver.storage.StorageLocation;
import dev.archiver.verify.ArchiveFiles;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code archiver cat URI}: prints archived records readably, or as JSON lines. */
@Command(
        name = "cat",
        mixinStandardHelpOptions = true,
        description = {
            "Prints the records of an archived object, or of every object under a prefix:"
                    + " topic, partition, offset, timestamp, key, headers and value (pretty JSON"
                    + " when the value is JSON, escaped text otherwise).",
            "--format json prints one JSON object per record: UTF-8 payloads as strings,"
                    + " others as base64 in key_base64/value_base64."
        })
final class CatCommand implements Callable<Integer> {
    enum Output {
        TEXT,
        JSON
    }

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final ObjectMapper PRETTY =
            new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    @Spec CommandSpec spec;

    @Parameters(paramLabel = "URI", description = "An object, or a prefix (directory).")
    String uri;

    @Option(
            names = {"-f", "--format"},
            defaultValue = "text",
            description = "text or json (default: ${DEFAULT-VALUE}).")
    Output format;

    @Option(
            names = {"-n", "--limit"},
            defaultValue = "-1",
            description = "Print at most this many records.")
    long limit;

    @Mixin StorageOptions storageOptions;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        StorageLocation location = StorageOptions.location(uri);
        ArchiveFiles files = ArchiveFiles.load();
        long printed = 0;
        try (ObjectStorage store = storageOptions.open(location)) {
            List<ObjectInfo> objects = ArchiveObjects.resolve(store, location, files);
            for (ObjectInfo o : objects) {
                var type = files.detect(o.location().fileName());
                if (type.isEmpty()) {
                    spec.commandLine()
                            .getErr()
                            .println("skipped (unknown file type): " + o.location());
                    continue;
                }
                if (format == Output.TEXT && objects.size() > 1) {
                    out.println("==> " + o.location() + " <==");
                }
                try (RecordReader reader = open(store, o.location(), type.get())) {
                    ArchiveRecord r;
                    while ((r = reader.read()) != null) {
                        if (limit >= 0 && printed >= limit) {
                            out.flush();
                            return 0;
                        }
                        if (format == Output.JSON) {
                            out.println(json(r));
                        } else {
                            text(out, r);
                        }
                        printed++;
                    }
                }
            }
        }
        out.flush();
        return 0;
    }

    /** A display reader: files of lossy modes (typed values only) are shown too. */
    private static RecordReader open(
            ObjectStorage store, StorageLocation location, ArchiveFiles.FileType type)
            throws IOException {
        InputStream in = store.open(location);
        try {
            return type.format().newDisplayReader(type.codec().decompress(in));
        } catch (IOException | RuntimeException e) {
            in.close();
            throw e;
        }
    }

    private static void text(PrintWriter out, ArchiveRecord r) {
        out.printf(
                "%s-%d @ %d  %s%n",
                r.topic(),
                r.partition(),
                r.offset(),
                r.timestamp() < 0
                        ? "(no timestamp)"
                        : Instant.ofEpochMilli(r.timestamp()) + " (" + r.timestampType() + ")");
        out.println("key:     " + (r.key() == null ? "(null)" : escaped(r.key())));
        if (!r.headers().isEmpty()) {
            StringBuilder h = new StringBuilder();
            for (RecordHeader header : r.headers()) {
                h.append(h.length() == 0 ? "" : ", ")
                        .append(header.key())
                        .append('=')
                        .append(header.value() == null ? "(null)" : escaped(header.value()));
            }
            out.println("headers: " + h);
        }
        if (r.value() == null) {
            out.println("value:   (null: a tombstone)");
        } else {
            String pretty = prettyJson(r.value());
            if (pretty != null) {
                out.println("value:");
                out.println(pretty);
            } else {
                out.println("value:   " + escaped(r.value()));
            }
        }
        out.println();
    }

    private static String prettyJson(byte[] value) {
        String s = utf8(value);
        if (s == null) {
            return null;
        }
        String t = s.trim();
        if (!(t.startsWith("{") || t.startsWith("["))) {
            return null;
        }
        try {
            JsonNode n = JSON.readTree(t);
            return n == null ? null : PRETTY.writeValueAsString(n);
        } catch (IOException e) {
            return null;
        }
    }

    private static String json(ArchiveRecord r) throws IOException {
        StringWriter w = new StringWriter();
        try (JsonGenerator g = JSON.getFactory().createGenerator(w)) {
            g.writeStartObject();
            g.writeStringField("topic", r.topic());
            g.writeNumberField("partition", r.partition());
            g.writeNumberField("offset", r.offset());
            g.writeNumberField("timestamp", r.timestamp());
            g.writeStringField("timestamp_type", r.timestampType().name());
            payload(g, "key", r.key());
            payload(g, "value", r.value());
            g.writeArrayFieldStart("headers");
            for (RecordHeader h : r.headers()) {
                g.writeStartObject();
                g.writeStringField("key", h.key());
                payload(g, "value", h.value());
                g.writeEndObject();
            }
            g.writeEndArray();
            g.writeEndObject();
        }
        return w.toString();
    }

    private static void payload(JsonGenerator g, String field, byte[] bytes) throws IOException {
        if (bytes == null) {
            g.writeNullField(field);
            return;
        }
        String s = utf8(bytes);
        if (s != null) {
            g.writeStringField(field, s);
        } else {
            g.writeStringField(field + "_base64", Base64.getEncoder().encodeToString(bytes));
        }
    }

    /** The bytes as strict UTF-8, or null when they are not. */
    static String utf8(byte[] bytes) {
        try {
            return StandardCharsets.UTF_8
                    .newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes))
                    .toString();
        } catch (CharacterCodingException e) {
            return null;
        }
    }

    /** Printable text as is (quoted), anything else escaped: {@code "\x00\xff..."}. */
    static String escaped(byte[] bytes) {
        String s = utf8(bytes);
        StringBuilder b = new StringBuilder("\"");
        if (s != null) {
            for (int i = 0; i < s.length(); i++) {
                char c = s.charAt(i);
                switch (c) {
                    case '"' -> b.append("\\\"");
                    case '\\' -> b.append("\\\\");
                    case '\n' -> b.append("\\n");
                    case '\r' -> b.append("\\r");
                    case '\t' -> b.append("\\t");
                    default -> {
                        if (c < 0x20 || c == 0x7f) {
                            b.append(String.format("\\x%02x", (int) c));
                        } else {
                            b.append(c);
                        }
                    }
                }
            }
        } else {
            for (byte x : bytes) {
                int v = x & 0xff;
                if (v >= 0x20 && v < 0x7f && v != '"' && v != '\\') {
                    b.append((char) v);
                } else {
                    b.append(String.format("\\x%02x", v));
                }
            }
        }
        return b.append('"').toString();
    }
}
