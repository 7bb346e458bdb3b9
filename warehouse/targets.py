"""Where the Redshift SQL runs: a local DuckDB file (statements translated by ``to_duckdb``) or a
real Redshift through ``redshift_connector`` (statements generated back in the Redshift dialect).

Both take bound sqlglot trees; a target runs a list of them in one transaction and returns the
rows of those that are queries (None for the others).
"""

from __future__ import annotations

import dataclasses
import os
from pathlib import Path
from typing import Any, Callable, Mapping, Sequence

from sqlglot import exp

from warehouse.lake_files import LocalFiles, S3Files
from warehouse.to_duckdb import translate

WAREHOUSE_FILE = "warehouse.duckdb"


class SettingsError(ValueError):
    """The environment lacks what a target needs; the message names the variables."""


class ValueTooLongError(ValueError):
    """A value does not fit its column (Redshift's varchar(n) holds n bytes); nothing was loaded."""


@dataclasses.dataclass(frozen=True)
class RedshiftSettings:
    """Connection and COPY settings of a real Redshift, from environment variables."""

    host: str
    database: str
    user: str
    password: str
    iam_role: str
    lake_uri: str
    port: int = 5439

    REQUIRED = {
        "host": "REDSHIFT_HOST",
        "database": "REDSHIFT_DATABASE",
        "user": "REDSHIFT_USER",
        "password": "REDSHIFT_PASSWORD",
        "iam_role": "REDSHIFT_COPY_ROLE_ARN",
        "lake_uri": "STREAMWATCH_LAKE_URI",
    }

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> "RedshiftSettings":
        env = os.environ if environ is None else environ
        missing = [var for var in cls.REQUIRED.values() if not env.get(var)]
        if missing:
            raise SettingsError(f"set {', '.join(missing)} to load into Redshift")
        values = {field: env[var] for field, var in cls.REQUIRED.items()}
        if not values["lake_uri"].startswith("s3://"):
            raise SettingsError(f"STREAMWATCH_LAKE_URI must be an s3:// URI, got {values['lake_uri']!r}")
        try:
            port = int(env.get("REDSHIFT_PORT", "5439"))
        except ValueError:
            raise SettingsError(f"REDSHIFT_PORT must be a number, got {env.get('REDSHIFT_PORT')!r}") from None
        return cls(port=port, **values)


class DuckDBTarget:
    """The local warehouse: ``<lake>/warehouse.duckdb``."""

    dialect = "duckdb"

    def __init__(self, lake: Path, connection: Any = None) -> None:
        import duckdb

        self.lake = Path(lake)
        self.path = self.lake / WAREHOUSE_FILE
        self.files = LocalFiles()
        self.lake_uri = self.lake.resolve().as_uri()
        self.iam_role = "local"  # COPY needs one; the local translation ignores it
        self.connection = connection or duckdb.connect(str(self.path))
        self.connection.execute("set TimeZone = 'UTC'")

    def run(self, statements: Sequence[exp.Expression],
            on_statement: Callable[[int], None] | None = None) -> list[list[tuple] | None]:
        import duckdb

        con = self.connection
        results: list[list[tuple] | None] = []
        con.begin()
        try:
            for n, statement in enumerate(statements):
                local = translate(statement, self.files)
                rows = None
                if local is not None:
                    cursor = con.execute(local.sql(dialect="duckdb"))
                    rows = cursor.fetchall() if isinstance(statement, exp.Query) else None
                results.append(rows)
                if on_statement:
                    on_statement(n)
            con.commit()
        except duckdb.ConstraintException as error:
            con.rollback()
            if "strlen" not in str(error).lower():
                raise
            raise ValueTooLongError(
                f"a value is longer than its column allows (Redshift's varchar(n) holds n bytes), so the whole "
                f"load was rolled back, as Redshift would refuse it: {error}"
            ) from error
        except BaseException:
            con.rollback()
            raise
        return results

    def query(self, statement: exp.Expression) -> tuple[list[str], list[tuple]]:
        cursor = self.connection.execute(statement.sql(dialect="duckdb"))
        return [d[0] for d in cursor.description], cursor.fetchall()

    def close(self) -> None:
        self.connection.close()


class RedshiftTarget:
    """A real Redshift (provisioned or serverless) through redshift_connector."""

    dialect = "redshift"

    def __init__(self, settings: RedshiftSettings, connection: Any = None, files: Any = None) -> None:
        self.settings = settings
        self.lake_uri = settings.lake_uri
        self.iam_role = settings.iam_role
        self.files = files or S3Files()
        if connection is None:
            import redshift_connector

            connection = redshift_connector.connect(
                host=settings.host,
                port=settings.port,
                database=settings.database,
                user=settings.user,
                password=settings.password,
            )
        self.connection = connection
        self.connection.autocommit = False

    def run(self, statements: Sequence[exp.Expression],
            on_statement: Callable[[int], None] | None = None) -> list[list[tuple] | None]:
        cursor = self.connection.cursor()
        results: list[list[tuple] | None] = []
        try:
            for n, statement in enumerate(statements):
                cursor.execute(statement.sql(dialect="redshift"))
                results.append([tuple(row) for row in cursor.fetchall()] if isinstance(statement, exp.Query) else None)
                if on_statement:
                    on_statement(n)
            self.connection.commit()
            return results
        except BaseException:
            self.connection.rollback()
            raise
        finally:
            cursor.close()

    def query(self, statement: exp.Expression) -> tuple[list[str], list[tuple]]:
        cursor = self.connection.cursor()
        try:
            cursor.execute(statement.sql(dialect="redshift"))
            result = [d[0] for d in cursor.description], [tuple(row) for row in cursor.fetchall()]
            self.connection.commit()  # end the read's transaction rather than hold its locks
            return result
        finally:
            cursor.close()

    def close(self) -> None:
        self.connection.close()
