"""Volunteers to and from CSV: an import checked row by row before anything is written, an export."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from warmline.core.crypto import Keyring, Vault
from warmline.core.errors import InvalidInput
from warmline.core.jobqueue import JobQueue
from warmline.lines import audit
from warmline.lines.rules.languages import as_text, parse_languages
from warmline.lines.rules.spreadsheet import inert
from warmline.lines.rules.topics import from_stored, parse_topics, resolve_list
from warmline.lines.volunteers import MAX_NAME, new_volunteer, phone_in, welcome
from warmline.messaging import outbox
from warmline.models import Coordinator, Line, Volunteer

MAX_BYTES = 256 * 1024
MAX_ROWS = 1000
COLUMNS = ("name", "phone", "topics", "languages")
EXPORT_COLUMNS = ("name", "phone", "topics", "languages", "active", "paused_until")


@dataclass(frozen=True)
class RowProblem:
    """Why one row of the file cannot be imported: its row number, the column and the refusal."""

    row: int
    field: str
    refusal: InvalidInput

    @property
    def sentence(self) -> str:
        """The problem in the language refusals are read in when it is shown."""
        # Worded when read, not when found: the page's language may be chosen after the check.
        return self.refusal.translated()


@dataclass(frozen=True)
class ImportRow:
    """A row as it would be added; the number stays inside, only its last digits are shown."""

    row: int
    name: str
    e164: str = field(repr=False)
    topics: tuple[str, ...]
    languages: str

    @property
    def phone_ending(self) -> str:
        """The number's last two digits."""
        return self.e164[-2:] if self.e164 else ""


@dataclass(frozen=True)
class ImportPreview:
    """What importing the file would add, and every problem that stops it."""

    rows: list[ImportRow]
    problems: list[RowProblem]

    @property
    def ok(self) -> bool:
        """True when every row can be added."""
        return bool(self.rows) and not self.problems

    def problems_in(self, row: int) -> list[RowProblem]:
        """The problems of one row."""
        return [p for p in self.problems if p.row == row]


def read_upload(data: bytes) -> str:
    """The text of an uploaded CSV file, or a clear error about the file itself."""
    if not data.strip():
        raise InvalidInput("Choose a CSV file with a header row and one volunteer a row.", "file")
    if len(data) > MAX_BYTES:
        raise InvalidInput("Import at most {most} KB at once.", "file", most=MAX_BYTES // 1024)
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise InvalidInput(
            "This file is not UTF-8 text: save it from the spreadsheet as CSV UTF-8.", "file"
        ) from None


def preview(session: Session, keyring: Keyring, text: str, line: Line) -> ImportPreview:
    """Check every row of a CSV file against the line and the volunteers we have; write nothing."""
    records = list(csv.reader(io.StringIO(text, newline="")))
    if not records:
        raise InvalidInput("The file is empty.", "file")
    header = [cell.strip().lower() for cell in records[0]]
    missing = [c for c in ("name", "phone") if c not in header]
    if missing:
        raise InvalidInput(
            "The first row must name the columns: name, phone, topics, languages "
            "(missing: {missing}).",
            "file",
            missing=", ".join(missing),
        )
    if len(records) - 1 > MAX_ROWS:
        raise InvalidInput("Import at most {most} volunteers at once.", "file", most=MAX_ROWS)
    where = {c: header.index(c) for c in COLUMNS if c in header}
    known = parse_topics(line.topics)
    rows: list[ImportRow] = []
    problems: list[RowProblem] = []
    first_row_of: dict[str, int] = {}
    for number, record in enumerate(records[1:], start=2):
        cells = {c: record[i] if i < len(record) else "" for c, i in where.items()}
        if not any(cell.strip() for cell in cells.values()):
            continue  # a blank line, as spreadsheets leave at the end
        found: list[RowProblem] = []
        # Kept exactly as written (spaces tidied): a formula stays text, shown and exported inert.
        name = " ".join(cells["name"].split())
        if not name:
            found.append(RowProblem(number, "name", InvalidInput("The name is empty.")))
        elif len(name) > MAX_NAME:
            found.append(
                RowProblem(
                    number,
                    "name",
                    InvalidInput("Keep the name to {most} characters.", most=MAX_NAME),
                )
            )
        e164 = ""
        try:
            e164 = phone_in(cells["phone"], line.region)
        except InvalidInput as exc:
            found.append(RowProblem(number, "phone", exc))
        if e164 in first_row_of:
            found.append(
                RowProblem(
                    number,
                    "phone",
                    InvalidInput("Row {row} has the same phone number.", row=first_row_of[e164]),
                )
            )
        elif e164:
            first_row_of[e164] = number
        chosen, unknown = resolve_list(cells.get("topics", "").replace(";", ","), known)
        if unknown:
            found.append(
                RowProblem(
                    number,
                    "topics",
                    InvalidInput(
                        "Not on this line's topic list: {unknown} (it has {known}).",
                        unknown=", ".join(unknown),
                        known=", ".join(known),
                    ),
                )
            )
        languages = "en"
        try:
            if cells.get("languages", "").strip():
                languages = as_text(parse_languages(cells["languages"]))
        except InvalidInput as exc:
            found.append(RowProblem(number, "languages", exc))
        problems.extend(found)
        rows.append(ImportRow(number, name, e164, tuple(chosen), languages))
    if not rows:
        raise InvalidInput("The file has a header row but no volunteers.", "file")
    problems.extend(_already_here(session, keyring, rows))
    problems.sort(key=lambda p: (p.row, COLUMNS.index(p.field)))
    return ImportPreview(rows, problems)


def _already_here(session: Session, keyring: Keyring, rows: list[ImportRow]) -> list[RowProblem]:
    by_key = {keyring.key_for(r.e164): r.row for r in rows if r.e164}
    existing = session.scalars(select(Volunteer.phone_key).where(Volunteer.phone_key.in_(by_key)))
    return [
        RowProblem(
            by_key[key],
            "phone",
            InvalidInput("A volunteer with this phone number is already here."),
        )
        for key in existing
    ]


def import_volunteers(
    session: Session,
    keyring: Keyring,
    vault: Vault,
    queue: JobQueue,
    text: str,
    *,
    line: Line,
    actor: Coordinator,
    now: datetime,
) -> int:
    """Add every volunteer in the file and welcome them, or none if any row is bad. Returns how many."""
    checked = preview(session, keyring, text, line)
    if not checked.ok:
        raise InvalidInput(
            "Nothing was imported: the file has {count} problem(s).",
            "file",
            count=len(checked.problems),
        )
    added = [
        new_volunteer(
            keyring,
            vault,
            name=row.name,
            e164=row.e164,
            now=now,
            topics=row.topics,
            languages=row.languages,
        )
        for row in checked.rows
    ]
    session.add_all(added)
    try:
        session.flush()  # one round trip for the whole file, not one a row
    except IntegrityError:
        session.rollback()
        raise InvalidInput(
            "Nothing was imported: a volunteer of this file was added meanwhile. "
            "Choose the file again to see which.",
            "file",
        ) from None
    audit.record(
        session, actor, "imported volunteers", f"{len(added)} from a CSV file", now, line.id
    )
    written = welcome(session, vault, line, added, now)
    session.commit()
    outbox.enqueue_all(queue, [row.id for row in written])
    return len(added)


def export_csv(
    session: Session,
    vault: Vault,
    volunteer_ids: Iterable[int],
    *,
    line: Line,
    actor: Coordinator | None,
    now: datetime,
) -> str:
    """The volunteers as CSV: the phone only by its last two digits, every cell inert; audited."""
    ids = list(volunteer_ids)
    people = list(
        session.scalars(
            select(Volunteer).where(Volunteer.id.in_(ids)).order_by(Volunteer.name, Volunteer.id)
        )
    )
    audit.record(session, actor, "exported volunteers", f"{len(people)} as CSV", now, line.id)
    session.commit()
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(EXPORT_COLUMNS)
    zone = ZoneInfo(line.timezone)
    for person in people:
        paused = person.paused_until if person.paused_until and person.paused_until > now else None
        writer.writerow(
            _inert_row(
                [
                    person.name,
                    "ending " + vault.open(person.phone_sealed)[-2:],
                    ", ".join(from_stored(person.topics)),
                    person.languages.replace(",", ", "),
                    "yes" if person.is_active else "no",
                    paused.astimezone(zone).strftime("%Y-%m-%d %H:%M") if paused else "",
                ]
            )
        )
    return out.getvalue()


def _inert_row(cells: Sequence[str]) -> list[str]:
    return [inert(cell) for cell in cells]
