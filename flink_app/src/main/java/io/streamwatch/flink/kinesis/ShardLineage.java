package io.streamwatch.flink.kinesis;

import java.io.Serializable;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Objects;

import org.apache.flink.streaming.connectors.kinesis.model.StreamShardHandle;

/**
 * A shard's place in the stream's resharding history: its id, its parent(s) and its hash-key
 * range (inclusive at both ends, as Kinesis gives them). A split closes one parent and opens two
 * children that share its range; a merge closes two adjacent parents and opens one child over both.
 */
public final class ShardLineage implements Serializable {

    private static final long serialVersionUID = 1L;

    final String shardId;
    final String parentShardId;
    final String adjacentParentShardId;
    final BigInteger startingHashKey;
    final BigInteger endingHashKey;

    public ShardLineage(String shardId, String parentShardId, String adjacentParentShardId,
                        BigInteger startingHashKey, BigInteger endingHashKey) {
        this.shardId = Objects.requireNonNull(shardId);
        this.parentShardId = parentShardId;
        this.adjacentParentShardId = adjacentParentShardId;
        this.startingHashKey = Objects.requireNonNull(startingHashKey);
        this.endingHashKey = Objects.requireNonNull(endingHashKey);
    }

    static ShardLineage of(StreamShardHandle handle) {
        return new ShardLineage(
                handle.getShard().getShardId(),
                handle.getShard().getParentShardId(),
                handle.getShard().getAdjacentParentShardId(),
                new BigInteger(handle.getShard().getHashKeyRange().getStartingHashKey()),
                new BigInteger(handle.getShard().getHashKeyRange().getEndingHashKey()));
    }

    boolean isChildOf(String shard) {
        return shard.equals(parentShardId) || shard.equals(adjacentParentShardId);
    }

    /**
     * True when {@code registered} holds children of this shard whose ranges together cover this
     * shard's whole range: every record that would have gone to this shard after it closed has a
     * shard that a consumer reads.
     */
    boolean coveredBy(Collection<ShardLineage> registered) {
        List<ShardLineage> children = new ArrayList<>();
        for (ShardLineage shard : registered) {
            if (shard.isChildOf(shardId)) {
                children.add(shard);
            }
        }
        children.sort((a, b) -> a.startingHashKey.compareTo(b.startingHashKey));
        BigInteger next = startingHashKey; // the lowest hash key not yet covered
        for (ShardLineage child : children) {
            if (child.startingHashKey.compareTo(next) > 0) {
                return false; // a gap
            }
            if (child.endingHashKey.compareTo(next) >= 0) {
                next = child.endingHashKey.add(BigInteger.ONE);
            }
            if (next.compareTo(endingHashKey) > 0) {
                return true;
            }
        }
        return false;
    }

    @Override
    public String toString() {
        return shardId;
    }
}
