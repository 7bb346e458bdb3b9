"""What the lake and the metrics say: the lake reader, the accounting summary, play starts and their
outage rule, the HTML report, and the capacity plan."""
