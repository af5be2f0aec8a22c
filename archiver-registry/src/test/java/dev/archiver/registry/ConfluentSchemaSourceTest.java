package dev.archiver.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.archiver.config.ConfigException;
import dev.archiver.config.Settings;
import dev.archiver.plugin.Plugins;
import dev.archiver.testing.TestSchemaRegistry;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ConfluentSchemaSourceTest {
    static final String AVRO =
            "{\"type\":\"record\",\"name\":\"User\",\"fields\":[{\"name\":\"id\",\"type\":\"long\"}]}";

    private static SchemaSource source(TestSchemaRegistry registry, Map<String, String> extra) {
        Map<String, String> m = new java.util.HashMap<>(extra);
        m.put("schema-source.confluent.url", registry.url().toString());
        m.put("schema-source.confluent.retry-backoff", "10ms");
        Settings settings = Settings.of(m).withPrefix("schema-source.confluent.");
        return Plugins.find(
                        SchemaSourceProvider.class,
                        "confluent",
                        "schema-source",
                        Plugins.defaultClassLoader())
                .create(settings);
    }

    @Test
    void schemaByIdIsFetchedOnceAndCached() throws Exception {
        try (TestSchemaRegistry registry = TestSchemaRegistry.start();
                SchemaSource source = source(registry, Map.of())) {
            int avro = registry.register("users-value", "AVRO", AVRO);
            int proto =
                    registry.register(
                            "orders-value", "PROTOBUF", "syntax = \"proto3\"; message O {}");
            assertThat(source.schema(avro))
                    .isEqualTo(new RegisteredSchema(avro, SchemaType.AVRO, AVRO));
            assertThat(source.schema(avro).text()).isEqualTo(AVRO);
            assertThat(source.schema(proto).type()).isEqualTo(SchemaType.PROTOBUF);
            assertThat(registry.schemaLookups()).isEqualTo(2);
        }
    }

    @Test
    void unknownIdIsNotFoundAndNotRetried() throws Exception {
        try (TestSchemaRegistry registry = TestSchemaRegistry.start();
                SchemaSource source = source(registry, Map.of())) {
            assertThatThrownBy(() -> source.schema(42))
                    .isInstanceOf(SchemaNotFoundException.class)
                    .hasMessageContaining("no schema 42");
            assertThat(registry.schemaLookups()).isEqualTo(1);
        }
    }

    @Test
    void bearerTokenIsSentAndNeverShown() throws Exception {
        String token = "s3cr3t-token-value";
        try (TestSchemaRegistry registry =
                TestSchemaRegistry.start(Optional.of("Bearer " + token))) {
            int id = registry.register("users-value", "AVRO", AVRO);
            try (SchemaSource ok =
                    source(registry, Map.of("schema-source.confluent.bearer-token", token))) {
                assertThat(ok.schema(id).text()).isEqualTo(AVRO);
                assertThat(ok.toString()).doesNotContain(token);
                assertThat(((ConfluentSchemaSource) ok).config().toString()).doesNotContain(token);
            }
            try (SchemaSource wrong =
                    source(registry, Map.of("schema-source.confluent.bearer-token", "nope"))) {
                assertThatThrownBy(() -> wrong.schema(id))
                        .isInstanceOf(IOException.class)
                        .isNotInstanceOf(SchemaNotFoundException.class)
                        .hasMessageContaining("HTTP 401")
                        .hasMessageNotContaining("nope");
            }
        }
    }

    @Test
    void basicCredentialsAreSentAndNeverShown() throws Exception {
        String header =
                "Basic "
                        + Base64.getEncoder()
                                .encodeToString(
                                        "archiver:pa55w0rd".getBytes(StandardCharsets.UTF_8));
        try (TestSchemaRegistry registry = TestSchemaRegistry.start(Optional.of(header));
                SchemaSource source =
                        source(
                                registry,
                                Map.of(
                                        "schema-source.confluent.basic-auth.username", "archiver",
                                        "schema-source.confluent.basic-auth.password",
                                                "pa55w0rd"))) {
            int id = registry.register("users-value", "AVRO", AVRO);
            assertThat(source.schema(id).text()).isEqualTo(AVRO);
            assertThat(((ConfluentSchemaSource) source).config().toString())
                    .contains("archiver")
                    .doesNotContain("pa55w0rd");
        }
    }

    @Test
    void registryDownFailsRetriablyAndHeals() throws Exception {
        try (TestSchemaRegistry registry = TestSchemaRegistry.start();
                SchemaSource source =
                        source(registry, Map.of("schema-source.confluent.retries", "1"))) {
            int id = registry.register("users-value", "AVRO", AVRO);
            registry.pause();
            assertThatThrownBy(() -> source.schema(id))
                    .isInstanceOf(IOException.class)
                    .isNotInstanceOf(SchemaNotFoundException.class)
                    .hasMessageContaining("unreachable");
            registry.resume();
            assertThat(source.schema(id).text()).isEqualTo(AVRO);
        }
    }

    @Test
    void httpsWithTheConfiguredTrustStore(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
            throws Exception {
        try (TestSchemaRegistry registry = TestSchemaRegistry.startHttps(dir)) {
            int id = registry.register("users-value", "AVRO", AVRO);
            assertThat(registry.url().getScheme()).isEqualTo("https");
            try (SchemaSource trusting =
                    source(
                            registry,
                            Map.of(
                                    "schema-source.confluent.tls.truststore",
                                    registry.trustStore().toString(),
                                    "schema-source.confluent.tls.truststore-password",
                                    TestSchemaRegistry.STORE_PASSWORD))) {
                assertThat(trusting.schema(id).text()).isEqualTo(AVRO);
            }
            try (SchemaSource defaults =
                    source(registry, Map.of("schema-source.confluent.retries", "0"))) {
                // the JVM's trust store does not hold the registry's self-signed certificate
                assertThatThrownBy(() -> defaults.schema(id))
                        .isInstanceOf(IOException.class)
                        .isNotInstanceOf(SchemaNotFoundException.class);
            }
            assertThatThrownBy(
                            () ->
                                    source(
                                            registry,
                                            Map.of(
                                                    "schema-source.confluent.tls.truststore",
                                                    registry.trustStore().toString(),
                                                    "schema-source.confluent.tls.truststore-password",
                                                    "wrong-password")))
                    .isInstanceOf(ConfigException.class)
                    .hasMessageContaining("trust store")
                    .hasMessageNotContaining("wrong-password");
        }
    }

    @Test
    void defaults() {
        ConfluentSchemaSourceConfig c =
                ConfluentSchemaSourceConfig.from(Settings.of(Map.of("url", "http://r:8081")));
        assertThat(c)
                .isEqualTo(ConfluentSchemaSourceConfig.of(java.net.URI.create("http://r:8081")));
        assertThat(c.retries()).isEqualTo(2);
        assertThat(c.requestTimeout()).hasSeconds(10);
        assertThat(c.trustStoreType()).isEqualTo("PKCS12");
    }

    @Test
    void explicitMapping() throws Exception {
        java.nio.file.Path store = java.nio.file.Files.createTempFile("trust", ".jks");
        try {
            ConfluentSchemaSourceConfig c =
                    ConfluentSchemaSourceConfig.from(
                            Settings.of(
                                    Map.of(
                                            "url", "https://r:8081/apis/ccompat/v7",
                                            "bearer-token", "t",
                                            "tls.truststore", store.toString(),
                                            "tls.truststore-password", "p",
                                            "tls.truststore-type", "jks",
                                            "request-timeout", "3s",
                                            "retries", "5",
                                            "retry-backoff", "1s")));
            assertThat(c.url()).hasToString("https://r:8081/apis/ccompat/v7");
            assertThat(c.bearerToken().orElseThrow().reveal()).isEqualTo("t");
            assertThat(c.trustStore()).contains(store);
            assertThat(c.trustStorePassword().orElseThrow().reveal()).isEqualTo("p");
            assertThat(c.trustStoreType()).isEqualTo("JKS");
            assertThat(c.requestTimeout()).hasSeconds(3);
            assertThat(c.retries()).isEqualTo(5);
            assertThat(c.retryBackoff()).hasSeconds(1);
            assertThat(c.toString()).doesNotContain("=t,").doesNotContain("=p,");
        } finally {
            java.nio.file.Files.delete(store);
        }
    }

    @Test
    void validation() {
        Settings base = Settings.of(Map.of()).withPrefix("s.");
        assertThatThrownBy(() -> ConfluentSchemaSourceConfig.from(base))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("s.url");
        assertThatThrownBy(() -> from(Map.of("s.url", "ftp://r")))
                .hasMessageContaining("s.url")
                .hasMessageContaining("http://");
        assertThatThrownBy(() -> from(Map.of("s.url", "http://u:secretpw@r:8081")))
                .hasMessageContaining("s.basic-auth.username")
                .hasMessageNotContaining("secretpw");
        assertThatThrownBy(() -> from(Map.of("s.url", "http://r", "s.basic-auth.username", "u")))
                .hasMessageContaining("s.basic-auth.password");
        assertThatThrownBy(
                        () ->
                                from(
                                        Map.of(
                                                "s.url", "http://r",
                                                "s.basic-auth.username", "u",
                                                "s.basic-auth.password", "p",
                                                "s.bearer-token", "t")))
                .hasMessageContaining("s.bearer-token");
        assertThatThrownBy(() -> from(Map.of("s.url", "http://r", "s.tls.truststore", "/no/such")))
                .hasMessageContaining("s.tls.truststore");
        assertThatThrownBy(() -> from(Map.of("s.url", "http://r", "s.tls.truststore-type", "pem")))
                .hasMessageContaining("pkcs12, jks");
        assertThatThrownBy(() -> from(Map.of("s.url", "http://r", "s.retries", "-1")))
                .hasMessageContaining("s.retries");
    }

    private static ConfluentSchemaSourceConfig from(Map<String, String> m) {
        return ConfluentSchemaSourceConfig.from(Settings.of(m).withPrefix("s."));
    }
}
