"""The database engine and sessions."""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterator, Mapping
from contextlib import contextmanager
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Engine,
    Integer,
    Select,
    any_,
    bindparam,
    create_engine,
    event,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.exc import DBAPIError, StatementError
from sqlalchemy.orm import QueryableAttribute, Session, sessionmaker
from sqlalchemy.sql.dml import UpdateBase


class Database:
    """One engine and its session factory."""

    def __init__(self, url: str, **engine_options: Any) -> None:
        self.url = url
        self.is_sqlite = url.startswith("sqlite")
        # PostgreSQL tells its listeners (LISTEN/NOTIFY) what a committed statement announced.
        self.announces = not self.is_sqlite
        if self.is_sqlite:
            engine_options.setdefault("connect_args", {"check_same_thread": False, "timeout": 30})
        else:
            # No ping before every checkout (a round trip per webhook): a connection PostgreSQL
            # dropped fails once, SQLAlchemy then replaces the whole pool, and the webhook keeps
            # that one text in Redis until the database answers again.
            engine_options.setdefault("pool_pre_ping", False)
        self.engine: Engine = create_engine(url, **engine_options)
        if self.is_sqlite:
            event.listen(self.engine, "connect", _sqlite_pragmas)
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)
        self._compiled: dict[UpdateBase | Select[Any], str] = {}

    def new_session(self) -> Session:
        """A fresh session; the caller closes it."""
        return self._sessions()

    @contextmanager
    def session(self) -> Iterator[Session]:
        """A session that is rolled back on error and always closed."""
        with _closing(self.new_session()) as session:
            yield session

    def write_returning(
        self, statement: UpdateBase | Select[Any], values: Mapping[str, Any]
    ) -> Any:
        """Run one write (or a SELECT over one) as its own transaction; its row's first value.

        On PostgreSQL the statement goes straight to the driver, prepared, on a pooled connection
        in autocommit: one round trip and none of the ORM's or Core's work per call. Values must
        be what the driver takes (aware datetimes, bytes). Errors come as SQLAlchemy's, and a
        connection the error broke is dropped from the pool rather than handed out again.
        """
        if self.is_sqlite:
            with self.session() as session:
                value = session.execute(statement, values).scalar()
                session.commit()
                return value
        sql = self._driver_sql(statement)
        dbapi_error = self.engine.dialect.loaded_dbapi.Error
        try:
            pooled = self.engine.raw_connection()
        except dbapi_error as exc:
            raise self._wrapped(sql, exc, invalidated=False) from exc
        driver: Any = pooled.driver_connection
        try:
            driver.autocommit = True
            try:
                row = driver.execute(sql, values, prepare=True).fetchone()
            finally:
                if not driver.closed:
                    driver.autocommit = False
        except dbapi_error as exc:
            broken = bool(driver.closed or driver.broken)
            if broken:
                pooled.invalidate(exc)
            raise self._wrapped(sql, exc, invalidated=broken) from exc
        finally:
            pooled.close()
        return None if row is None else row[0]

    def _wrapped(self, sql: str, error: Exception, invalidated: bool) -> StatementError:
        """The driver's error as SQLAlchemy's, without the values (they are people's texts)."""
        return DBAPIError.instance(
            sql,
            None,
            error,
            self.engine.dialect.loaded_dbapi.Error,
            hide_parameters=True,
            connection_invalidated=invalidated,
            dialect=self.engine.dialect,
        )

    def _driver_sql(self, statement: UpdateBase | Select[Any]) -> str:
        """The statement as the driver's SQL text, compiled once per statement."""
        sql = self._compiled.get(statement)
        if sql is None:
            sql = str(statement.compile(dialect=self.engine.dialect))
            self._compiled[statement] = sql
        return sql

    @contextmanager
    def pinned_session(self) -> Iterator[Session]:
        """A session that keeps one connection across its commits, so a lock it takes holds."""
        if self.is_sqlite:
            with self.session() as session:
                yield session
            return
        with self.engine.connect() as connection, _closing(self._sessions(bind=connection)) as s:
            yield s


@contextmanager
def _closing(session: Session) -> Iterator[Session]:
    """Roll `session` back if the block fails; close it either way."""
    try:
        yield session
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()


def insert_or_skip(dialect: str) -> Callable[[Any], postgresql.Insert | sqlite.Insert]:
    """`insert` of `dialect`, whose statements can skip a row already there (ON CONFLICT)."""
    return postgresql.insert if dialect == "postgresql" else sqlite.insert


def among(
    session: Session, column: QueryableAttribute[Any], ids: Collection[int]
) -> ColumnElement[bool]:
    """`column IN ids`; on PostgreSQL as one array, so the statement is the same for any count."""
    if session.get_bind().dialect.name == "postgresql":
        # An IN list renders a new statement per length: parsed anew, never prepared.
        return column == any_(bindparam(None, list(ids), type_=ARRAY(Integer)))
    return column.in_(ids)


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    """WAL and foreign keys, so the embedded web and worker threads share the file safely."""
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()
