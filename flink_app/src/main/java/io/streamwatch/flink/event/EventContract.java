package io.streamwatch.flink.event;

import java.util.Arrays;
import java.util.Collections;
import java.util.HashSet;
import java.util.Set;

/** The event contract of DESIGN §3: enums and limits every record is checked against. */
public final class EventContract {

    public static final int SCHEMA_VERSION = 1;
    /** A Kinesis record is at most 1 MiB; a longer JSONL line is rejected as well. */
    public static final int MAX_RECORD_CHARS = 1_048_576;
    /** event_id, user_id, device_id, title_id (1..256) and app_version (0..256). */
    public static final int MAX_ID_CHARS = 256;
    public static final int MAX_SEARCH_QUERY_CHARS = 2048;
    /** position_ms has at most 15 digits. */
    public static final long MAX_POSITION_MS = 999_999_999_999_999L;

    public static final Set<String> EVENT_TYPES = set("play", "pause", "resume", "seek", "heartbeat", "stop", "search", "browse");
    public static final Set<String> PLAYBACK_EVENT_TYPES = set("play", "pause", "resume", "seek", "heartbeat", "stop");
    public static final Set<String> DEVICE_TYPES = set("tv", "mobile", "tablet", "web", "console");

    private EventContract() {}

    private static Set<String> set(String... values) {
        return Collections.unmodifiableSet(new HashSet<>(Arrays.asList(values)));
    }
}
