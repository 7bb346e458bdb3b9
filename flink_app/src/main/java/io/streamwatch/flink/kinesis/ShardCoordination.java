package io.streamwatch.flink.kinesis;

import java.io.IOException;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.apache.flink.api.common.functions.AggregateFunction;
import org.apache.flink.util.InstantiationUtil;

import io.streamwatch.flink.time.EventTimeClock;

/**
 * What the source subtasks tell each other through the JobManager (Flink's
 * {@code GlobalAggregateManager}, as the Kinesis connector's own {@code JobManagerWatermarkTracker}
 * does): each subtask reports its local watermark, the shards it has registered and its ended
 * shards still waiting for their children; it learns the watermark of the others (the minimum over
 * the other subtasks that are not idle: with its own, the job's) and which of its waiting shards
 * have every child registered somewhere. Messages travel as Java-serialized bytes, so that the JobManager needs no class of
 * ours on its own class path beyond the aggregate function it gets from the job.
 */
final class ShardCoordination {

    private ShardCoordination() {}

    /** A subtask's report. */
    static final class Update implements Serializable {
        private static final long serialVersionUID = 1L;
        final int subtask;
        /** How many source subtasks the job has: until every one has reported, the others' watermark is unknown. */
        final int subtasks;
        /** The subtask's local watermark: NONE (holds everything back), ALL_IDLE (does not count), or a time. */
        final long localWatermark;
        final List<ShardLineage> registered;
        final List<ShardLineage> awaitingChildren;

        Update(int subtask, int subtasks, long localWatermark, List<ShardLineage> registered,
               List<ShardLineage> awaitingChildren) {
            this.subtask = subtask;
            this.subtasks = subtasks;
            this.localWatermark = localWatermark;
            this.registered = new ArrayList<>(registered);
            this.awaitingChildren = new ArrayList<>(awaitingChildren);
        }
    }

    /** The answer to one report. */
    static final class Result implements Serializable {
        private static final long serialVersionUID = 1L;
        /**
         * Minimum of the last local watermarks of the OTHER subtasks that are not idle; ALL_IDLE if
         * none; NONE until every subtask has reported once (a subtask not heard from yet may hold
         * the oldest records). The reporter takes its own live watermark with it: a subtask that
         * is the slowest is then never held back by its own stale report.
         */
        final long othersWatermark;
        /** The reporter's shards awaiting children whose children are all registered. */
        final Set<String> released;
        /** How many subtasks have reported so far. */
        final int subtasksHeard;

        Result(long othersWatermark, Set<String> released, int subtasksHeard) {
            this.othersWatermark = othersWatermark;
            this.released = released;
            this.subtasksHeard = subtasksHeard;
        }
    }

    /** The JobManager's view: the last report of each subtask. */
    static final class Reports implements Serializable {
        private static final long serialVersionUID = 1L;
        final Map<Integer, Update> bySubtask = new HashMap<>();
        Update last;
    }

    /** Folds a report in and answers it. Runs in the JobManager, one report at a time. */
    static final class Aggregate implements AggregateFunction<byte[], Reports, byte[]> {
        private static final long serialVersionUID = 1L;

        @Override
        public Reports createAccumulator() {
            return new Reports();
        }

        @Override
        public Reports add(byte[] value, Reports reports) {
            Update update = decode(value);
            reports.bySubtask.put(update.subtask, update);
            reports.last = update;
            return reports;
        }

        @Override
        public byte[] getResult(Reports reports) {
            return encode(answer(reports));
        }

        @Override
        public Reports merge(Reports a, Reports b) {
            throw new UnsupportedOperationException("reports are folded one at a time");
        }
    }

    /** The answer to the last report of {@code reports}. */
    static Result answer(Reports reports) {
        long others = ShardClocks.ALL_IDLE;
        List<ShardLineage> registered = new ArrayList<>();
        for (Update update : reports.bySubtask.values()) {
            if (update.localWatermark != ShardClocks.ALL_IDLE && update != reports.last) {
                others = Math.min(others, update.localWatermark);
            }
            registered.addAll(update.registered);
        }
        Set<String> released = new HashSet<>();
        if (reports.last != null) {
            for (ShardLineage waiting : reports.last.awaitingChildren) {
                if (waiting.coveredBy(registered)) {
                    released.add(waiting.shardId);
                }
            }
        }
        boolean everyoneHeard = reports.last != null && reports.bySubtask.size() >= reports.last.subtasks;
        long watermark = !everyoneHeard || others == Long.MIN_VALUE ? EventTimeClock.NONE : others;
        return new Result(watermark, released, reports.bySubtask.size());
    }

    static byte[] encode(Serializable message) {
        try {
            return InstantiationUtil.serializeObject(message);
        } catch (IOException e) {
            throw new IllegalStateException("cannot serialize a shard coordination message", e);
        }
    }

    @SuppressWarnings("unchecked")
    static <T> T decode(byte[] bytes) {
        try {
            return (T) InstantiationUtil.deserializeObject(bytes, ShardCoordination.class.getClassLoader());
        } catch (IOException | ClassNotFoundException e) {
            throw new IllegalStateException("cannot read a shard coordination message", e);
        }
    }
}
