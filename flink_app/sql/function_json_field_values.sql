-- JVM function (flink_app/src/main/java): a record's top-level scalar fields as text (strings
-- unescaped), sharing the parse of json_field_tokens; read only after the token's type is checked.
create temporary system function if not exists json_field_values
as 'io.streamwatch.flink.JsonFieldValues' language java
