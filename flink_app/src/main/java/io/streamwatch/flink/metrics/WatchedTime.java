package io.streamwatch.flink.metrics;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.java.functions.KeySelector;
import org.apache.flink.api.java.tuple.Tuple2;
import org.apache.flink.api.java.tuple.Tuple3;
import org.apache.flink.api.java.typeutils.ListTypeInfo;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.table.api.DataTypes;
import org.apache.flink.table.api.Table;
import org.apache.flink.table.api.bridge.java.StreamTableEnvironment;
import org.apache.flink.table.data.GenericRowData;
import org.apache.flink.table.data.RowData;
import org.apache.flink.table.data.StringData;
import org.apache.flink.table.data.TimestampData;
import org.apache.flink.table.runtime.typeutils.InternalTypeInfo;
import org.apache.flink.table.types.DataType;
import org.apache.flink.table.types.logical.RowType;
import org.apache.flink.util.Collector;

import io.streamwatch.flink.plan.DataStreamViews;

/**
 * watched_ms of DESIGN §4 for every on-time event, as a keyed function of {@code (user_id,
 * device_id)}: the time since the key's previous event when that event was play, resume, heartbeat
 * or seek of the same title and at most the session gap before; capped; else 0.
 *
 * <p>Events wait in state until the watermark passes their event time, then go out in event-time
 * order, a millisecond's events in the order they arrived at the source ({@code arrival_seq}:
 * the Kinesis sequence number within the shard, or the line number of a replay). That order
 * survives any parallelism: a key's events may reach this step through different instances of
 * the dedup before it, but their arrival sequence comes with them. (The SQL {@code OVER} window
 * this replaces took a millisecond's events in the order they reached it.) The key's state is
 * the previous event's type, title and time, cleared by an event-time timer once the gap has
 * passed, and the events of the last out-of-orderness: no state TTL is needed.
 */
public final class WatchedTime extends KeyedProcessFunction<Tuple2<String, String>, RowData, RowData> {

    private static final long serialVersionUID = 1L;

    /** Columns of the output view, in this order. */
    public static final DataType OUTPUT = DataTypes.ROW(
            DataTypes.FIELD("event_time", DataTypes.TIMESTAMP(3).notNull()),
            DataTypes.FIELD("event_type", DataTypes.STRING()),
            DataTypes.FIELD("user_id", DataTypes.STRING()),
            DataTypes.FIELD("device_id", DataTypes.STRING()),
            DataTypes.FIELD("device_type", DataTypes.STRING()),
            DataTypes.FIELD("country", DataTypes.STRING()),
            DataTypes.FIELD("title_id", DataTypes.STRING()),
            DataTypes.FIELD("watched_ms", DataTypes.BIGINT().notNull()));

    private static final String[] CARRIED = {"event_type", "user_id", "device_id", "device_type", "country", "title_id"};
    private static final int TITLE = 5; // in CARRIED
    /** What waits in state for the watermark: the arrival sequence, then the carried columns. */
    private static final RowType WAITING = (RowType) DataTypes.ROW(
            DataTypes.FIELD("arrival_seq", DataTypes.STRING()),
            DataTypes.FIELD("event_type", DataTypes.STRING()),
            DataTypes.FIELD("user_id", DataTypes.STRING()),
            DataTypes.FIELD("device_id", DataTypes.STRING()),
            DataTypes.FIELD("device_type", DataTypes.STRING()),
            DataTypes.FIELD("country", DataTypes.STRING()),
            DataTypes.FIELD("title_id", DataTypes.STRING())).getLogicalType();

    private final long gapMillis;
    private final long capMillis;
    private final int eventTime;
    private final int arrivalSeq;
    private final int[] carried;

    private transient MapState<Long, List<RowData>> waiting;
    private transient ValueState<Tuple3<String, String, Long>> previous;

    WatchedTime(RowType input, long gapMillis, long capMillis) {
        this.gapMillis = gapMillis;
        this.capMillis = capMillis;
        this.eventTime = input.getFieldIndex("event_time");
        this.arrivalSeq = input.getFieldIndex("arrival_seq");
        this.carried = new int[CARRIED.length];
        for (int i = 0; i < CARRIED.length; i++) {
            carried[i] = input.getFieldIndex(CARRIED[i]);
        }
    }

    /**
     * Reads {@code view} (its event-time attribute {@code event_time}, and the columns
     * {@code arrival_seq}, {@code event_type}, {@code user_id}, {@code device_id},
     * {@code device_type}, {@code country}, {@code title_id}) and registers {@code asView}: the
     * columns of {@link #OUTPUT}, with {@code event_time} as its event-time attribute.
     */
    public static void register(
            StreamTableEnvironment tableEnv, String view, String asView, long gapMillis, long capMillis) {
        Table table = tableEnv.from(view);
        DataType rowType = DataStreamViews.rowType(table);
        RowType input = (RowType) rowType.getLogicalType();
        int userId = input.getFieldIndex("user_id");
        int deviceId = input.getFieldIndex("device_id");
        DataStream<RowData> rows = tableEnv.toDataStream(table, rowType);
        DataStream<RowData> watched = rows
                .keyBy(new KeyOf(userId, deviceId), Types.TUPLE(Types.STRING, Types.STRING))
                .process(new WatchedTime(input, gapMillis, capMillis), InternalTypeInfo.of(OUTPUT.getLogicalType()))
                .name("Watched time per (user_id, device_id)")
                .uid("streamwatch-watched-time");
        DataStreamViews.register(tableEnv, asView, watched, OUTPUT.bridgedTo(RowData.class), "event_time");
    }

    @Override
    public void open(Configuration parameters) {
        waiting = getRuntimeContext().getMapState(
                new MapStateDescriptor<>("waiting", Types.LONG, new ListTypeInfo<>(InternalTypeInfo.of(WAITING))));
        previous = getRuntimeContext().getState(
                new ValueStateDescriptor<>("previous", Types.TUPLE(Types.STRING, Types.STRING, Types.LONG)));
    }

    @Override
    public void processElement(RowData row, Context context, Collector<RowData> out) throws Exception {
        long time = row.getTimestamp(eventTime, 3).getMillisecond();
        List<RowData> atTime = waiting.get(time);
        if (atTime == null) {
            atTime = new ArrayList<>(1);
        }
        atTime.add(kept(row));
        waiting.put(time, atTime);
        context.timerService().registerEventTimeTimer(time);
    }

    @Override
    public void onTimer(long time, OnTimerContext context, Collector<RowData> out) throws Exception {
        List<RowData> atTime = waiting.get(time);
        if (atTime != null) {
            waiting.remove(time);
            atTime.sort(Comparator.comparing((RowData row) -> row.getString(0).toString(), ARRIVAL_ORDER));
            for (RowData row : atTime) {
                out.collect(watched(row, time));
            }
            context.timerService().registerEventTimeTimer(time + gapMillis + 1);
        }
        Tuple3<String, String, Long> last = previous.value();
        if (last != null && last.f2 + gapMillis < time) {
            previous.clear(); // no later event can be credited from it
        }
    }

    /** A copy of what the row needs while it waits (the input row may be reused upstream). */
    private RowData kept(RowData row) {
        GenericRowData kept = new GenericRowData(1 + carried.length);
        kept.setField(0, copy(row.getString(arrivalSeq)));
        for (int i = 0; i < carried.length; i++) {
            kept.setField(i + 1, row.isNullAt(carried[i]) ? null : copy(row.getString(carried[i])));
        }
        return kept;
    }

    /** The string's UTF-8 bytes, copied (not decoded and encoded again). */
    private static StringData copy(StringData text) {
        return StringData.fromBytes(text.toBytes());
    }

    /** The output row of a kept row at {@code time}, moving the key's previous event on to it. */
    private RowData watched(RowData kept, long time) throws Exception {
        String type = kept.getString(1).toString();
        String title = kept.isNullAt(1 + TITLE) ? null : kept.getString(1 + TITLE).toString();
        Tuple3<String, String, Long> last = previous.value();
        long watchedMillis = 0;
        if (last != null && credits(last.f0) && title != null && title.equals(last.f1) && time - last.f2 <= gapMillis) {
            watchedMillis = Math.min(time - last.f2, capMillis);
        }
        previous.update(Tuple3.of(type, title, time));
        GenericRowData result = new GenericRowData(8);
        result.setField(0, TimestampData.fromEpochMillis(time));
        for (int i = 0; i < carried.length; i++) {
            result.setField(i + 1, kept.isNullAt(i + 1) ? null : kept.getString(i + 1));
        }
        result.setField(7, watchedMillis);
        return result;
    }

    static boolean credits(String eventType) {
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

    /** Arrival sequences are non-negative decimal integers of any length: shorter is earlier. */
    static final Comparator<String> ARRIVAL_ORDER =
            Comparator.comparingInt(String::length).thenComparing(Comparator.naturalOrder());

    /** The key of a row: (user_id, device_id). */
    private static final class KeyOf implements KeySelector<RowData, Tuple2<String, String>> {
        private static final long serialVersionUID = 1L;
        private final int userId;
        private final int deviceId;

        KeyOf(int userId, int deviceId) {
            this.userId = userId;
            this.deviceId = deviceId;
        }

        @Override
        public Tuple2<String, String> getKey(RowData row) {
            return Tuple2.of(row.getString(userId).toString(), row.getString(deviceId).toString());
        }
    }
}
