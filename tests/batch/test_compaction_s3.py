"""batch.compaction against S3 (moto's server, through pyarrow's S3 client, as on Glue): the same rows
after as before, hidden objects untouched, a crash between writing and deleting finished by a rerun.
The oracle reads every visible object with boto3 + pyarrow, apart from the code under test."""

from __future__ import annotations

import io
from collections import Counter

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from batch import compaction
from batch.compaction import compact_day

BUCKET = "sw-lake"
DT = "2026-11-20"
SCHEMA = pa.schema([("session_id", pa.string()), ("session_start", pa.timestamp("ms", tz="UTC"))])


@pytest.fixture
def s3(aws_credentials_for_s3):
    from moto.server import ThreadedMotoServer

    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0)
    server.start()
    host, port = server.get_host_and_port()
    endpoint = f"http://{host}:{port}"
    try:
        import boto3
        from pyarrow.fs import S3FileSystem

        client = boto3.client("s3", region_name="us-east-1", endpoint_url=endpoint)
        client.create_bucket(Bucket=BUCKET)
        filesystem = S3FileSystem(region="us-east-1", endpoint_override=endpoint, scheme="http",
                                  access_key="testing", secret_key="testing")
        yield client, filesystem
    finally:
        server.stop()


@pytest.fixture
def aws_credentials_for_s3(monkeypatch):
    for key, value in {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing",
                       "AWS_DEFAULT_REGION": "us-east-1"}.items():
        monkeypatch.setenv(key, value)


def put_parquet(client, key: str, rows: list[dict]) -> None:
    sink = io.BytesIO()
    pq.write_table(pa.Table.from_pylist(rows, schema=SCHEMA), sink, compression="snappy",
                   use_deprecated_int96_timestamps=True)
    client.put_object(Bucket=BUCKET, Key=key, Body=sink.getvalue())


def keys(client) -> list[str]:
    return sorted(o["Key"] for page in client.get_paginator("list_objects_v2").paginate(Bucket=BUCKET)
                  for o in page.get("Contents", []))


def visible_rows(client, prefix: str) -> Counter:
    rows: Counter = Counter()
    for key in keys(client):
        name = key.rsplit("/", 1)[-1]
        if key.startswith(prefix) and name and not name.startswith(("_", ".")):
            body = client.get_object(Bucket=BUCKET, Key=key)["Body"].read()
            for row in pq.read_table(io.BytesIO(body)).to_pylist():
                rows[tuple(sorted(row.items()))] += 1
    return rows


@pytest.fixture
def lake(s3):
    import datetime as dt

    client, filesystem = s3
    start = dt.datetime(2026, 11, 20, 7, tzinfo=dt.timezone.utc)
    for hour in ("07", "08"):
        prefix = f"processed/sessions/dt={DT}/hr={hour}/"
        for part in range(5):
            put_parquet(client, f"{prefix}part-{part:04d}-0",
                        [{"session_id": f"{hour}-{part}-{n}", "session_start": start + dt.timedelta(seconds=n)}
                         for n in range(4)])
        client.put_object(Bucket=BUCKET, Key=f"{prefix}_SUCCESS", Body=b"")
        client.put_object(Bucket=BUCKET, Key=f"{prefix}.part-x.inprogress", Body=b"garbage")
    client.put_object(Bucket=BUCKET, Key="processed/stream_progress/_END_OF_INPUT", Body=b"{}")
    return client, filesystem


def test_compaction_on_s3_keeps_the_rows_and_the_hidden_objects(lake):
    client, filesystem = lake
    before = visible_rows(client, "processed/sessions/")
    hidden = [k for k in keys(client) if k.rsplit("/", 1)[-1].startswith(("_", "."))]

    report = compact_day(BUCKET, DT, zones=["processed/sessions"], filesystem=filesystem)

    assert visible_rows(client, "processed/sessions/") == before
    assert report.zones[0].partitions_compacted == 2
    assert (report.zones[0].files_before, report.zones[0].files_after) == (10, 2)
    data = [k for k in keys(client) if k.startswith("processed/sessions/") and not k.endswith("/")
            and not k.rsplit("/", 1)[-1].startswith(("_", "."))]
    assert len(data) == 2 and all(k.rsplit("/", 1)[-1].startswith("compacted-") for k in data)
    assert set(hidden) <= set(keys(client))
    assert not [k for k in keys(client) if k.endswith("manifest.json") or "_compacting-" in k]
    first = data[0]
    body = client.get_object(Bucket=BUCKET, Key=first)["Body"].read()
    parquet = pq.ParquetFile(io.BytesIO(body))
    assert parquet.schema.column(1).physical_type == "INT96"
    assert parquet.metadata.row_group(0).column(0).compression == "SNAPPY"

    again = compact_day(BUCKET, DT, zones=["processed/sessions"], filesystem=filesystem)
    assert again.zones[0].partitions_compacted == 0


def test_a_crash_before_the_deletes_is_finished_by_a_rerun_on_s3(lake, monkeypatch):
    client, filesystem = lake
    before = visible_rows(client, "processed/sessions/")
    real_finish = compaction._finish

    def crash(*args, **kwargs):
        raise OSError("injected: died before deleting the inputs")

    monkeypatch.setattr(compaction, "_finish", crash)
    with pytest.raises(OSError, match="injected"):
        compact_day(BUCKET, DT, zones=["processed/sessions"], filesystem=filesystem)
    assert visible_rows(client, "processed/sessions/") != before  # the window: rows twice
    monkeypatch.setattr(compaction, "_finish", real_finish)

    compact_day(BUCKET, DT, zones=["processed/sessions"], filesystem=filesystem)

    assert visible_rows(client, "processed/sessions/") == before
