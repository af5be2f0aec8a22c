package dev.archiver.examples.daemon;

/**
 * The Avro schema of the demo's page-view events ({@link DemoEvents}), for formats that write the
 * value as typed fields ({@code demo --format parquet}, {@code demo --format avro}).
 */
final class PageViewSchema {
    static final String AVRO =
            """
            {"type": "record", "name": "PageView", "namespace": "dev.archiver.demo",
             "doc": "A page view of the demo shop",
             "fields": [
               {"name": "event_id", "type": "string"},
               {"name": "event_time", "type": {"type": "long", "logicalType": "timestamp-millis"}},
               {"name": "user_id", "type": "string"},
               {"name": "session_id", "type": "string"},
               {"name": "url", "type": "string"},
               {"name": "referrer", "type": ["null", "string"], "default": null},
               {"name": "country", "type": "string"},
               {"name": "user_agent", "type": "string"},
               {"name": "duration_ms", "type": "int"}
             ]}
            """;

    private PageViewSchema() {}
}
