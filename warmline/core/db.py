"""The database engine and sessions."""

from __future__ import annotations

from collections.abc import Collection, Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import ColumnElement, Engine, Integer, any_, bindparam, create_engine, event
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.orm import QueryableAttribute, Session, sessionmaker


class Database:
    """One engine and its session factory."""

    def __init__(self, url: str, **engine_options: Any) -> None:
        self.url = url
        self.is_sqlite = url.startswith("sqlite")
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

    def new_session(self) -> Session:
        """A fresh session; the caller closes it."""
        return self._sessions()

    @contextmanager
    def session(self) -> Iterator[Session]:
        """A session that is rolled back on error and always closed."""
        with _closing(self.new_session()) as session:
            yield session

    @contextmanager
    def autocommit_session(self) -> Iterator[Session]:
        """A session whose every statement is its own transaction, committed as it returns.

        A one-statement write then costs one round trip, not three (BEGIN, the write, COMMIT).
        """
        if self.is_sqlite:
            with self.session() as session:
                yield session
            return
        with (
            self.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection,
            _closing(self._sessions(bind=connection)) as session,
        ):
            yield session

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
