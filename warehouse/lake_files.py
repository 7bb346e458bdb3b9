"""The data files under a lake prefix, as COPY, Spark and Athena see them: every file below the
prefix except those whose name (or a directory's name on the way) starts with ``_`` or ``.`` --
``_SUCCESS`` markers, Flink's in-progress files, checksum files, ``_temporary`` directories.
"""

from __future__ import annotations

from pathlib import Path
from typing import Protocol
from urllib.parse import unquote, urlparse

HIDDEN_PREFIXES = ("_", ".")


class DataFileLister(Protocol):
    def data_files(self, uri: str) -> list[str]: ...


def is_visible(relative_parts: tuple[str, ...]) -> bool:
    return not any(part.startswith(HIDDEN_PREFIXES) for part in relative_parts)


def local_path(uri: str) -> Path:
    """A ``file://`` URI or a plain path as a Path; any other scheme is an error."""
    parsed = urlparse(uri)
    if parsed.scheme == "file":
        return Path(unquote(parsed.path))
    if parsed.scheme == "":
        return Path(uri)
    raise ValueError(f"not a local path: {uri!r} (the local engines read the lake directory)")


def local_uri(path: Path) -> str:
    return Path(path).resolve().as_uri()


class LocalFiles:
    """Data files of a local lake."""

    def data_files(self, uri: str) -> list[str]:
        root = local_path(uri)
        if root.is_file():
            return [str(root)] if is_visible((root.name,)) else []
        if not root.is_dir():
            return []
        found = [p for p in root.rglob("*") if p.is_file() and is_visible(p.relative_to(root).parts)]
        return sorted(str(p) for p in found)


class S3Files:
    """Data files under an ``s3://bucket/prefix`` (boto3, credentials from the environment)."""

    def __init__(self, client=None) -> None:
        self._client = client

    def data_files(self, uri: str) -> list[str]:
        parsed = urlparse(uri)
        if parsed.scheme != "s3":
            raise ValueError(f"not an s3:// URI: {uri!r}")
        if self._client is None:
            import boto3  # only needed against AWS

            self._client = boto3.client("s3")
        prefix = parsed.path.lstrip("/")
        files = []
        for page in self._client.get_paginator("list_objects_v2").paginate(Bucket=parsed.netloc, Prefix=prefix):
            for item in page.get("Contents", []):
                relative = tuple(item["Key"][len(prefix):].strip("/").split("/"))
                if item["Key"].endswith("/") or not is_visible(relative):
                    continue
                files.append(f"s3://{parsed.netloc}/{item['Key']}")
        return sorted(files)
