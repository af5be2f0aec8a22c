package dev.archiver.parse;

import dev.archiver.plugin.PluginProvider;

/**
 * Creates {@link RecordParser}s; registered in {@code
 * META-INF/services/dev.archiver.parse.RecordParserProvider} and selected with {@code parser=NAME}.
 * The provider receives the settings under {@code parser.NAME.}.
 *
 * @since 0.1
 */
public interface RecordParserProvider extends PluginProvider<RecordParser> {}
