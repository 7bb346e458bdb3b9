package io.streamwatch.flink.time;

import java.io.Serializable;

/**
 * The watermark arithmetic of DESIGN §4 for one input (a Kinesis shard, or a replay): the newest
 * valid event time seen, and the watermark one millisecond behind it minus the allowed
 * out-of-orderness, so that an event exactly that far behind the newest is still on time
 * (late means {@code event_time <= watermark}).
 */
public final class EventTimeClock implements Serializable {

    private static final long serialVersionUID = 1L;
    /** No valid event seen yet. */
    public static final long NONE = Long.MIN_VALUE;

    private final long outOfOrdernessMillis;
    private long maxEventTime = NONE;

    public EventTimeClock(long outOfOrdernessMillis) {
        this.outOfOrdernessMillis = outOfOrdernessMillis;
    }

    /** Records a valid event's time; true when it is the newest so far. */
    public boolean observe(long eventTimeMillis) {
        if (eventTimeMillis > maxEventTime) {
            maxEventTime = eventTimeMillis;
            return true;
        }
        return false;
    }

    public long maxEventTime() {
        return maxEventTime;
    }

    /** The watermark, or {@link #NONE} before the first valid event. */
    public long watermark() {
        return maxEventTime == NONE ? NONE : maxEventTime - outOfOrdernessMillis - 1;
    }
}
