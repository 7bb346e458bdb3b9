-- JVM function (flink_app/src/main/java): a record's top-level fields as JSON tokens, e.g. ["u1"]
-- or [42], from one parse per record; the type checks of parsed_events read these tokens.
create temporary system function if not exists json_field_tokens
as 'io.streamwatch.flink.JsonFieldTokens' language java
