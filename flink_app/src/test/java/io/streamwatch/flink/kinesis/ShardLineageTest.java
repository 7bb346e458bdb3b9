package io.streamwatch.flink.kinesis;

import static io.streamwatch.flink.kinesis.ShardClocksTest.shard;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;

class ShardLineageTest {

    private final ShardLineage parent = shard("p", null, null, 0, 999);

    @Test
    void aSplitIsCoveredOnceBothChildrenAreRegistered() {
        ShardLineage low = shard("a", "p", null, 0, 499);
        ShardLineage high = shard("b", "p", null, 500, 999);
        assertFalse(parent.coveredBy(List.of(low)));
        assertFalse(parent.coveredBy(List.of(high, shard("x", "q", null, 0, 499))));
        assertTrue(parent.coveredBy(List.of(high, low)));
    }

    @Test
    void aMergeCoversBothParents() {
        ShardLineage other = shard("q", null, null, 1000, 1999);
        ShardLineage merged = shard("m", "p", "q", 0, 1999);
        assertTrue(parent.coveredBy(List.of(merged)));
        assertTrue(other.coveredBy(List.of(merged)));
    }

    @Test
    void aGapInTheChildrenIsNotCovered() {
        assertFalse(parent.coveredBy(List.of(shard("a", "p", null, 0, 400), shard("b", "p", null, 402, 999))));
        assertTrue(parent.coveredBy(List.of(shard("a", "p", null, 0, 401), shard("b", "p", null, 402, 999))));
    }
}
