"""The local demo: the streaming half (local Kinesis, producer, job, accounting), then the batch half."""
