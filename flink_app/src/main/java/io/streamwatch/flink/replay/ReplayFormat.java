package io.streamwatch.flink.replay;

/** What a replay's lines hold (the source option {@code replay.format}). */
public enum ReplayFormat {
    /** One record per line, as a client sent it: no arrival, no shard. */
    JSONL("jsonl"),
    /**
     * A raw zone staged by {@code streamwatch stream} (streamwatch/local/replay_input.py): one JSON array
     * per line, {@code [arrival_epoch_millis, shard_id|null, sequence_number|null, "record"]}.
     */
    RAW_ZONE("raw-zone");

    private final String option;

    ReplayFormat(String option) {
        this.option = option;
    }

    public static ReplayFormat of(String option) {
        for (ReplayFormat format : values()) {
            if (format.option.equals(option)) {
                return format;
            }
        }
        throw new IllegalArgumentException("replay.format must be jsonl or raw-zone, got " + option);
    }
}
