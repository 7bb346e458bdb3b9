package io.streamwatch.flink.kinesis;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Properties;

import org.apache.flink.streaming.connectors.kinesis.config.ConsumerConfigConstants;
import org.apache.flink.streaming.connectors.kinesis.util.KinesisConfigUtil;
import org.junit.jupiter.api.Test;

/**
 * flink_app/job.py hands the connector an AT_TIMESTAMP start as epoch seconds with three decimals (so the
 * connector's date-format setting never matters); the connector must accept that text and start at that instant.
 */
class InitialTimestampTest {

    @Test
    void epochSecondsWithMillisecondsAreAcceptedAsTheStartInstant() {
        Properties consumer = new Properties();
        consumer.setProperty(ConsumerConfigConstants.AWS_REGION, "us-east-1");
        consumer.setProperty(ConsumerConfigConstants.STREAM_INITIAL_POSITION, "AT_TIMESTAMP");
        consumer.setProperty(ConsumerConfigConstants.STREAM_INITIAL_TIMESTAMP, "1773081000.250");
        KinesisConfigUtil.validateConsumerConfiguration(consumer);
        // 2026-03-09T18:30:00.250Z
        assertEquals(1_773_081_000_250L, KinesisConfigUtil.parseStreamTimestampStartingPosition(consumer).getTime());
    }
}
