package io.streamwatch.flink.kinesis;

import org.apache.flink.runtime.taskexecutor.GlobalAggregateManager;

/**
 * A source subtask's line to the others, through the JobManager (see {@link ShardCoordination}).
 * One aggregate per execution attempt: after a failover every subtask starts again with the
 * attempt after, and no report of the failed attempt is mixed into the new one.
 */
final class ShardCoordinator {

    private final GlobalAggregateManager aggregates;
    private final String aggregateName;
    private final ShardCoordination.Aggregate aggregate = new ShardCoordination.Aggregate();

    ShardCoordinator(GlobalAggregateManager aggregates, String operatorId, int attemptNumber) {
        this.aggregates = aggregates;
        this.aggregateName = "streamwatch-shard-coordination-" + operatorId + "-" + attemptNumber;
    }

    /** Sends {@code update}; blocks for the answer (an RPC to the JobManager). */
    ShardCoordination.Result exchange(ShardCoordination.Update update) throws Exception {
        byte[] answer = aggregates.updateGlobalAggregate(aggregateName, ShardCoordination.encode(update), aggregate);
        return ShardCoordination.decode(answer);
    }
}
