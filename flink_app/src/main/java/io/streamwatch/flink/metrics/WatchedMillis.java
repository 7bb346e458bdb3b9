package io.streamwatch.flink.metrics;

import org.apache.flink.table.annotation.DataTypeHint;
import org.apache.flink.table.annotation.FunctionHint;
import org.apache.flink.table.data.StringData;
import org.apache.flink.table.data.TimestampData;
import org.apache.flink.table.functions.AggregateFunction;

/**
 * watched_ms of DESIGN §4 as an aggregate over a key's events in event-time order
 * ({@code OVER (PARTITION BY user_id, device_id ORDER BY event_time ROWS BETWEEN UNBOUNDED
 * PRECEDING AND CURRENT ROW)}): for each event b, the time since the key's previous event a when
 * a was play, resume, heartbeat or seek, b has a title equal to a's, and b is at most the session
 * gap after a; capped; else 0.
 *
 * <p>Why not {@code LAG}: SQL does not allow a ROWS frame on it, and under the default RANGE frame
 * Flink gives every event of a key with the same event_ts the same "previous" event. A ROWS frame
 * takes them one by one, in arrival order, as the contract asks. The accumulator holds only the
 * previous event's type, title and time: state per active key is a few dozen bytes, and nothing
 * older than the session gap is ever needed.
 */
@FunctionHint(
        input = {
            @DataTypeHint(value = "STRING", bridgedTo = StringData.class),
            @DataTypeHint(value = "STRING", bridgedTo = StringData.class),
            @DataTypeHint(value = "TIMESTAMP(3)", bridgedTo = TimestampData.class),
            @DataTypeHint("BIGINT"),
            @DataTypeHint("BIGINT")
        },
        accumulator = @DataTypeHint(value = "RAW", bridgedTo = WatchedMillis.Previous.class),
        output = @DataTypeHint("BIGINT"))
public final class WatchedMillis extends AggregateFunction<Long, WatchedMillis.Previous> {

    private static final long serialVersionUID = 1L;

    /** The key's previous event and the watched_ms of the last event accumulated. */
    public static final class Previous implements java.io.Serializable {
        private static final long serialVersionUID = 1L;
        public boolean credits; // the previous event was play, resume, heartbeat or seek
        public String titleId;
        public long eventTimeMillis;
        public long watchedMillis;
    }

    @Override
    public Previous createAccumulator() {
        return new Previous();
    }

    public void accumulate(
            Previous previous, StringData eventType, StringData titleId, TimestampData eventTime,
            Long sessionGapMillis, Long capMillis) {
        long time = eventTime.getMillisecond();
        String title = titleId == null ? null : titleId.toString();
        long watched = 0;
        if (previous.credits && title != null && title.equals(previous.titleId)) {
            long gap = time - previous.eventTimeMillis;
            if (gap <= sessionGapMillis) {
                watched = Math.min(gap, capMillis);
            }
        }
        previous.watchedMillis = watched;
        previous.credits = credits(eventType.toString());
        previous.titleId = title;
        previous.eventTimeMillis = time;
    }

    private static boolean credits(String eventType) {
        switch (eventType) {
            case "play":
            case "resume":
            case "heartbeat":
            case "seek":
                return true;
            default:
                return false;
        }
    }

    @Override
    public Long getValue(Previous previous) {
        return previous.watchedMillis;
    }
}
