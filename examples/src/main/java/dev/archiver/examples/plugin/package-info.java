/**
 * A sample plug-in, the template for your own: a {@link dev.archiver.partition.Partitioner} ({@code
 * json-bucket}) and a {@link dev.archiver.transform.RecordTransformer} ({@code mask-json-field}),
 * each with a provider listed in {@code META-INF/services} so that the engine finds it by name.
 * Build such classes into a jar, put it on the daemon's class path, and name them in the
 * configuration ({@code examples/config/sample-plugin.properties}).
 */
package dev.archiver.examples.plugin;
