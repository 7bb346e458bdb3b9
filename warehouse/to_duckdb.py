"""Redshift statements -> DuckDB statements, by rewriting sqlglot's tree (never the text).

What changes:
- ``create table``: Redshift's physical properties (diststyle, distkey, sortkey) and column
  encodings are dropped; DuckDB has no slices or zone maps to tune.
- ``copy <table> from '<prefix>' ... format as parquet``: becomes
  ``insert into <table> select * from read_parquet([<the prefix's data files>])``. Like COPY it maps
  columns by position and skips ``_``/``.`` files; the files come from a lister (the local lake).
  A prefix without data files loads nothing.
- ``varchar(n)`` / ``char(n)`` columns get ``check (strlen(column) <= n)``: DuckDB ignores declared
  lengths, Redshift refuses a value longer than n *bytes* (COPY and INSERT fail), so the local
  warehouse fails the same loads (``strlen`` counts UTF-8 bytes).
- everything else (merge, delete, insert, drop, alter table ... rename, create view, queries) goes through
  sqlglot's DuckDB generator.
"""

from __future__ import annotations

from sqlglot import exp

from warehouse.lake_files import DataFileLister

_REDSHIFT_ONLY_PROPERTIES = (exp.DistStyleProperty, exp.DistKeyProperty, exp.SortKeyProperty)
_SUPPORTED = (exp.Create, exp.Copy, exp.Merge, exp.Delete, exp.Insert, exp.Update, exp.Query, exp.Drop,
              exp.Alter)
_SIZED_TEXT = (exp.DataType.Type.VARCHAR, exp.DataType.Type.CHAR, exp.DataType.Type.NVARCHAR, exp.DataType.Type.NCHAR)


class TranslationError(ValueError):
    """A Redshift statement the local warehouse cannot stand in for."""


def translate(statement: exp.Expression, files: DataFileLister) -> exp.Expression | None:
    """The DuckDB form of a bound Redshift ``statement``; None when it has nothing to do
    (a COPY from a prefix with no data files)."""
    if isinstance(statement, exp.Copy):
        return copy_as_insert(statement, files)
    if not isinstance(statement, _SUPPORTED):
        raise TranslationError(f"no local translation for {statement.key.upper()}: {statement.sql('redshift')[:80]}")
    if isinstance(statement, exp.Create):
        return enforce_text_lengths(strip_physical_design(statement))
    return statement


def strip_physical_design(create: exp.Create) -> exp.Create:
    create = create.copy()
    for prop in list(create.find_all(*_REDSHIFT_ONLY_PROPERTIES)):
        prop.pop()
    for encoding in list(create.find_all(exp.EncodeColumnConstraint)):
        encoding.parent.pop() if isinstance(encoding.parent, exp.ColumnConstraint) else encoding.pop()
    properties = create.args.get("properties")
    if properties is not None and not properties.expressions:
        properties.pop()
    return create


def text_length_limit(kind: exp.DataType) -> int | None:
    """n of ``varchar(n)``/``char(n)`` (Redshift counts bytes), None for other types."""
    if not isinstance(kind, exp.DataType) or kind.this not in _SIZED_TEXT or not kind.expressions:
        return None
    size = kind.expressions[0]
    size = size.this if isinstance(size, exp.DataTypeParam) else size
    return int(size.name) if size.is_int else None


def enforce_text_lengths(create: exp.Create) -> exp.Create:
    """Each sized text column of a ``create table`` with a check of its length in bytes."""
    schema = create.this
    if not isinstance(schema, exp.Schema):
        return create
    for column in schema.expressions:
        if not isinstance(column, exp.ColumnDef):
            continue
        limit = text_length_limit(column.args.get("kind"))
        if limit is None:
            continue
        byte_length = exp.Anonymous(this="strlen", expressions=[exp.column(column.name)])
        check = exp.CheckColumnConstraint(this=exp.LTE(this=byte_length, expression=exp.Literal.number(limit)))
        column.append("constraints", exp.ColumnConstraint(kind=check))
    return create


def copy_as_insert(copy: exp.Copy, files: DataFileLister) -> exp.Insert | None:
    if not copy.args.get("kind"):
        raise TranslationError("COPY ... TO (unload) has no local translation")
    if _copy_format(copy) != "parquet":
        raise TranslationError(f"only COPY ... FORMAT AS PARQUET is translated, got {_copy_format(copy) or 'text'}")
    sources = copy.args.get("files") or []
    if len(sources) != 1 or not isinstance(sources[0], exp.Literal) or not sources[0].is_string:
        raise TranslationError("COPY must read one quoted location (bind :source_uri first)")
    data_files = files.data_files(sources[0].this)
    if not data_files:
        return None
    # Only the files' own columns, by position, as COPY sees them: DuckDB would otherwise add
    # columns for the dt=/hr= directories of the paths.
    no_path_columns = exp.EQ(this=exp.column("hive_partitioning"), expression=exp.false())
    paths = exp.Array(expressions=[exp.Literal.string(f) for f in data_files])
    read = exp.ReadParquet(expressions=[paths, no_path_columns])
    select = exp.select(exp.Star()).from_(exp.Table(this=read))
    target = copy.this
    if not isinstance(target, (exp.Table, exp.Schema)):
        raise TranslationError("COPY must name its target table")
    return exp.insert(select, target)


def _copy_format(copy: exp.Copy) -> str | None:
    for param in copy.args.get("params") or []:
        if param.this.name.lower() == "format":
            value = param.args.get("expression")
            return value.name.lower() if value is not None else None
        if param.this.name.lower() == "parquet":
            return "parquet"
    return None
