-- JVM aggregate (flink_app/src/main/java/.../metrics/WatchedMillis.java): watched_ms of DESIGN §4
-- over a key's events in event-time order, ties in arrival order (see watched_events.sql).
create temporary system function if not exists watched_ms
as 'io.streamwatch.flink.metrics.WatchedMillis' language java
