"""The local runtime: the Flink job on the mini-cluster (run, resume, monitor, its state beside the
lake), the local Kinesis (moto, resharding as AWS does), replay input, backfill and the bench."""
