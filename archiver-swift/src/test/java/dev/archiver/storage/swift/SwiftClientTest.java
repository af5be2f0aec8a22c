package dev.archiver.storage.swift;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.archiver.storage.StorageException;
import dev.archiver.storage.StorageLocation;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Catalog endpoint selection and location handling, which need no server. */
class SwiftClientTest {
    private static final String CATALOG =
            "[{\"type\":\"identity\",\"endpoints\":[{\"interface\":\"public\",\"region_id\":\"r1\","
                    + "\"url\":\"https://keystone/v3\"}]},"
                    + "{\"type\":\"object-store\",\"endpoints\":["
                    + "{\"interface\":\"public\",\"region_id\":\"r1\",\"url\":\"https://r1/v1/a\"},"
                    + "{\"interface\":\"internal\",\"region_id\":\"r1\",\"url\":\"http://r1-int/v1/a\"},"
                    + "{\"interface\":\"public\",\"region\":\"r2\",\"url\":\"https://r2/v1/a\"}]}]";

    @Test
    void endpointIsSelectedByInterfaceAndRegion() throws Exception {
        JsonNode catalog = SwiftClient.JSON.readTree(CATALOG);
        assertThat(SwiftClient.selectEndpoint(catalog, Optional.of("r2"), "public", "auth"))
                .isEqualTo("https://r2/v1/a");
        assertThat(SwiftClient.selectEndpoint(catalog, Optional.of("r1"), "public", "auth"))
                .isEqualTo("https://r1/v1/a");
        assertThat(SwiftClient.selectEndpoint(catalog, Optional.empty(), "internal", "auth"))
                .isEqualTo("http://r1-int/v1/a");
    }

    @Test
    void ambiguousOrMissingEndpointIsAClearError() throws Exception {
        JsonNode catalog = SwiftClient.JSON.readTree(CATALOG);
        assertThatThrownBy(
                        () ->
                                SwiftClient.selectEndpoint(
                                        catalog, Optional.empty(), "public", "auth"))
                .isInstanceOfSatisfying(
                        StorageException.class, e -> assertThat(e.retryable()).isFalse())
                .hasMessageContaining("several regions [r1, r2]")
                .hasMessageContaining("storage.swift.region");
        assertThatThrownBy(
                        () ->
                                SwiftClient.selectEndpoint(
                                        catalog, Optional.of("r2"), "admin", "auth"))
                .hasMessageContaining("no object-store endpoint with interface admin in region r2")
                .hasMessageContaining("internal@r1");
        assertThatThrownBy(
                        () ->
                                SwiftClient.selectEndpoint(
                                        SwiftClient.JSON.readTree("[]"),
                                        Optional.empty(),
                                        "public",
                                        "auth"))
                .hasMessageContaining("offered: none");
    }

    @Test
    void locationsAreEncodedPerPathSegment() {
        SwiftLocation loc =
                SwiftLocation.of(StorageLocation.of("swift://c/topic a/ü/a+b=c&d/%41/x "));
        assertThat(loc.container()).isEqualTo("c");
        assertThat(loc.object()).isEqualTo("topic a/ü/a+b=c&d/%41/x ");
        assertThat(loc.path()).isEqualTo("c/topic%20a/%C3%BC/a%2Bb%3Dc%26d/%2541/x%20");
        assertThat(loc.toStorageLocation().toString())
                .isEqualTo("swift://c/topic a/ü/a+b=c&d/%41/x ");
        assertThatThrownBy(() -> SwiftLocation.of(StorageLocation.of("s3://c/k")))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void etagsAreUnquotedAndLowercase() {
        assertThat(SwiftStorage.unquote("\"A384C3\"")).isEqualTo("a384c3");
        assertThat(SwiftStorage.unquote("9095c9")).isEqualTo("9095c9");
    }
}
