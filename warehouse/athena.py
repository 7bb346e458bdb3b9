"""A local stand-in for Athena: the tables of ``sql/athena/tables`` become DuckDB views over the
lake's Parquet files (every zone, raw/ dlq/ and late/ included, is Parquet), and Athena SQL (Trino)
is translated to DuckDB by sqlglot -- Athena's JSON functions too, which read the fields of a raw
record (``json_extract_scalar(record, '$.event_type')`` becomes DuckDB's ``record ->> '$.event_type'``).

Each table's DDL is the single source of its columns, partition keys and format; where it lives
in the lake is ``ATHENA_LOCATIONS`` (the DDL's ``:location`` is filled per deployment, see
``table_ddl``). Partition values come from the ``dt=``/``hr=`` directories, as strings.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

from sqlglot import exp

from warehouse.lake_files import LocalFiles
from warehouse.sql_files import bind, parse_file, parse_statement, sql_names, sql_path

# Athena table -> its prefix under the lake root (DESIGN §5).
ATHENA_LOCATIONS: dict[str, str] = {
    "raw_events": "raw",
    "dlq_records": "dlq",
    "late_events": "late",
    "sessions": "processed/sessions",
    "title_watch_5m": "processed/title_watch_5m",
    "stream_progress": "processed/stream_progress",
    "play_starts_1m": "processed/play_starts_1m",
    "daily_user_engagement": "curated/daily_user_engagement",
    "daily_title_popularity": "curated/daily_title_popularity",
    "daily_device_summary": "curated/daily_device_summary",
    "dim_title": "curated/dim_title",
}
_SERDE_FORMATS = {
    "org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe": "parquet",
}


class AthenaError(ValueError):
    """An unknown table or query, or a table definition the local engine cannot read."""


@dataclasses.dataclass(frozen=True)
class AthenaTable:
    name: str
    columns: tuple[tuple[str, exp.DataType], ...]
    partitions: tuple[tuple[str, exp.DataType], ...]
    format: str
    lake_path: str


@dataclasses.dataclass(frozen=True)
class Rows:
    columns: list[str]
    rows: list[tuple]


def table_names() -> list[str]:
    return sql_names("athena", "tables")


def query_names() -> list[str]:
    return sql_names("athena", "queries")


def table_ddl(name: str, lake_uri: str) -> str:
    """The Athena DDL of table ``name`` with its location under ``lake_uri`` (e.g. s3://bucket/lake)."""
    location = f"{lake_uri.rstrip('/')}/{_lake_path(name)}/"
    statement = bind(parse_file(sql_path("athena", "tables", name), "athena"), {"location": location})
    statement.comments = None  # the header comment stays in the file; Athena's DDL parser gets none
    return statement.sql(dialect="athena")


def table_spec(name: str) -> AthenaTable:
    create = parse_file(sql_path("athena", "tables", name), "athena")
    if not isinstance(create, exp.Create) or create.kind != "TABLE":
        raise AthenaError(f"sql/athena/tables/{name}.sql is not a CREATE TABLE")
    schema = create.this
    columns = tuple((col.name, col.args["kind"]) for col in schema.expressions if isinstance(col, exp.ColumnDef))
    partitions: tuple[tuple[str, exp.DataType], ...] = ()
    serde = None
    for prop in create.args["properties"].expressions:
        if isinstance(prop, exp.PartitionedByProperty):
            partitions = tuple((col.name, col.args["kind"]) for col in prop.this.expressions)
        elif isinstance(prop, exp.RowFormatSerdeProperty):
            serde = prop.this.name
    if serde not in _SERDE_FORMATS:
        raise AthenaError(f"table {name}: unknown SerDe {serde!r} (known: {', '.join(_SERDE_FORMATS)})")
    return AthenaTable(name, columns, partitions, _SERDE_FORMATS[serde], _lake_path(name))


def _lake_path(name: str) -> str:
    if name not in ATHENA_LOCATIONS:
        raise AthenaError(f"no lake location for Athena table {name!r}")
    return ATHENA_LOCATIONS[name]


def _named_arg(name: str, value: exp.Expression) -> exp.Expression:
    return exp.EQ(this=exp.column(name), expression=value)


def _reader(table: AthenaTable, files: list[str]) -> exp.Expression:
    """read_parquet(...) over ``files``, partition columns from their paths, Parquet columns
    matched by name as Athena matches them."""
    paths = exp.Array(expressions=[exp.Literal.string(f) for f in files])
    options = [
        _named_arg("hive_partitioning", exp.true()),
        _named_arg("hive_types_autocast", exp.false()),
        _named_arg("union_by_name", exp.true()),
    ]
    return exp.ReadParquet(expressions=[paths, *options])


def view_query(table: AthenaTable, files: list[str]) -> exp.Select:
    """What the local view of ``table`` selects: its declared columns, then its partition keys."""
    declared = table.columns + table.partitions
    if not files:
        nulls = [exp.cast(exp.null(), kind).as_(name) for name, kind in declared]
        return exp.select(*nulls).where(exp.false())
    typed = [exp.cast(exp.column(name), kind).as_(name) for name, kind in declared]
    return exp.select(*typed).from_(exp.Table(this=_reader(table, files)))


class LocalAthena:
    """Athena SQL over a local lake directory, on an in-memory DuckDB."""

    def __init__(self, lake: Path, connection=None) -> None:
        import duckdb

        self.lake = Path(lake)
        if not self.lake.is_dir():
            raise AthenaError(f"lake directory not found: {self.lake}")
        self.connection = connection or duckdb.connect(":memory:")
        self.connection.execute("set TimeZone = 'UTC'")
        self.tables = {name: table_spec(name) for name in table_names()}
        lister = LocalFiles()
        for table in self.tables.values():
            files = lister.data_files(str(self.lake / table.lake_path))
            view = exp.Create(
                this=exp.to_table(table.name), kind="VIEW", replace=True, expression=view_query(table, files)
            )
            self.connection.execute(view.sql(dialect="duckdb"))

    def to_duckdb(self, athena_sql: str) -> str:
        statement = parse_statement(athena_sql, "athena")
        if not isinstance(statement, exp.Query):
            raise AthenaError("only queries (SELECT / WITH ... SELECT) run on the local Athena")
        for table in statement.find_all(exp.Table):
            if table.name in self.tables:  # streamwatch.sessions, awsdatacatalog.streamwatch.sessions
                table.set("db", None)
                table.set("catalog", None)
        return statement.sql(dialect="duckdb")

    def execute(self, athena_sql: str) -> Rows:
        cursor = self.connection.execute(self.to_duckdb(athena_sql))
        return Rows(columns=[d[0] for d in cursor.description], rows=cursor.fetchall())

    def run_query(self, name: str) -> Rows:
        if name not in query_names():
            raise AthenaError(f"no query named {name!r}; queries: {', '.join(query_names())}")
        return self.execute(sql_path("athena", "queries", name).read_text(encoding="utf-8"))

    def close(self) -> None:
        self.connection.close()
