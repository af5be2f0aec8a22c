package dev.archiver.format.text;

import dev.archiver.config.ConfigException;
import dev.archiver.config.Settings;
import dev.archiver.format.FileFormat;
import dev.archiver.format.FileFormatProvider;

/**
 * Provides the {@code text} format. Setting: {@code delimiter} (default {@code \n}; see {@link
 * TextFormat#parseDelimiter(String)} for the escapes).
 */
public final class TextFormatProvider implements FileFormatProvider {

    @Override
    public String name() {
        return "text";
    }

    @Override
    public FileFormat create(Settings settings) {
        String spec = settings.getString("delimiter").orElse("\\n");
        try {
            return new TextFormat(TextFormat.parseDelimiter(spec));
        } catch (IllegalArgumentException e) {
            throw new ConfigException(
                    "Invalid value '"
                            + spec
                            + "' for "
                            + settings.fullKey("delimiter")
                            + ": "
                            + e.getMessage(),
                    e);
        }
    }
}
