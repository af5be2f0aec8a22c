package dev.archiver.format.avro;

import dev.archiver.config.ConfigException;
import dev.archiver.config.Settings;
import dev.archiver.format.FileFormat;
import dev.archiver.format.FileFormatProvider;
import java.util.Locale;
import java.util.Optional;

/**
 * Provides the {@code avro} format. Settings, under {@code format.avro.} (the names and meanings of
 * the parquet format's):
 *
 * <table>
 *   <caption>Settings</caption>
 *   <tr><th>key</th><th>default</th><th>meaning</th></tr>
 *   <tr><td>{@code value-schema}, {@code value-schema-file}</td><td>none</td><td>an Avro record
 *       schema (inline JSON, or a file) to write values as records of it</td></tr>
 *   <tr><td>{@code value-encoding}</td><td>{@code json}</td><td>{@code json} or {@code
 *       avro-binary}: how values are encoded in Kafka</td></tr>
 *   <tr><td>{@code value-columns}</td><td>{@code typed-and-raw} with a schema, else {@code
 *       raw}</td><td>{@code raw}, {@code typed}, {@code typed-and-raw}</td></tr>
 * </table>
 *
 * <p>The block codec is the job's {@code codec} (see {@link AvroFormat#withCodec}).
 */
public final class AvroFormatProvider implements FileFormatProvider {

    @Override
    public String name() {
        return "avro";
    }

    @Override
    public FileFormat create(Settings settings) {
        Optional<ValueSchema> schema = ValueSchema.from(settings);
        AvroFormat.ValueColumns columns =
                settings.getEnum(
                        "value-columns",
                        AvroFormat.ValueColumns.class,
                        schema.isPresent()
                                ? AvroFormat.ValueColumns.TYPED_AND_RAW
                                : AvroFormat.ValueColumns.RAW);
        if (columns == AvroFormat.ValueColumns.RAW) {
            return new AvroFormat();
        }
        if (schema.isEmpty()) {
            throw new ConfigException(
                    settings.fullKey("value-columns")
                            + "="
                            + columns.name().toLowerCase(Locale.ROOT).replace('_', '-')
                            + " needs a value schema: set "
                            + settings.fullKey("value-schema")
                            + " or "
                            + settings.fullKey("value-schema-file"));
        }
        try {
            return AvroFormat.withValueSchema(schema.get(), columns);
        } catch (IllegalArgumentException e) {
            throw new ConfigException(
                    "Invalid value for "
                            + settings.fullKey(
                                    settings.contains("value-schema")
                                            ? "value-schema"
                                            : "value-schema-file")
                            + ": "
                            + e.getMessage(),
                    e);
        }
    }
}
