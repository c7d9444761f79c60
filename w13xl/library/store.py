"""Operations on the scenario library (see the package docstring for the rules)."""

from __future__ import annotations

import datetime as dt
import json
import re
import threading
import tomllib
from dataclasses import dataclass
from pathlib import Path

from ..errors import InputError, W13Error
from .models import APPROVED, CONCEPT, REVIEWED, AuditRow, ScenarioRow, VersionRow

MIGRATIONS = Path(__file__).resolve().with_name("migrations")
SQLITE_NAME = "bibliotheek.sqlite"
NAME = re.compile(r"^[a-z0-9][a-z0-9_-]{0,63}$")
#: Largest scenario text accepted (a scenario with a few hundred changes is well under 100 kB).
MAX_TOML_BYTES = 256 * 1024


class LibraryError(W13Error):
    """A refused library operation; ``status`` is the HTTP status the API answers with."""

    def __init__(self, message: str, status: int = 400):
        super().__init__(message)
        self.status = status


@dataclass(frozen=True)
class Version:
    name: str
    number: int
    toml: str
    author: str
    created_at: dt.datetime
    comment: str
    based_on: int | None
    status: str
    reviewed_by: str | None
    reviewed_at: dt.datetime | None
    approved_by: str | None
    approved_at: dt.datetime | None
    decision_date: dt.date | None
    decision_ref: str | None

    @property
    def ref(self) -> str:
        return f"{self.name}@{self.number}"

    def as_json(self, *, with_toml: bool = True) -> dict:
        out = {
            "naam": self.name, "versie": self.number, "status": self.status, "auteur": self.author,
            "tijdstip": self.created_at.isoformat(), "commentaar": self.comment, "gebaseerd_op": self.based_on,
            "nagezien_door": self.reviewed_by,
            "nagezien_op": self.reviewed_at.isoformat() if self.reviewed_at else None,
            "goedgekeurd_door": self.approved_by,
            "goedgekeurd_op": self.approved_at.isoformat() if self.approved_at else None,
            "besluit_datum": self.decision_date.isoformat() if self.decision_date else None,
            "besluit_referentie": self.decision_ref,
        }
        if with_toml:
            out["toml"] = self.toml
        return out


def _version(row: VersionRow) -> Version:
    def aware(t: dt.datetime | None) -> dt.datetime | None:  # SQLite returns naive UTC times
        return t.replace(tzinfo=dt.UTC) if t is not None and t.tzinfo is None else t

    return Version(row.scenario.name, row.number, row.toml, row.author, aware(row.created_at),  # type: ignore[arg-type]
                   row.comment, row.based_on, row.status, row.reviewed_by, aware(row.reviewed_at), row.approved_by,
                   aware(row.approved_at), row.decision_date, row.decision_ref)


def check_name(name: str) -> str:
    if not isinstance(name, str) or not NAME.match(name):
        shown = str(name)[:70]
        raise LibraryError(f"scenarionaam '{shown}' is niet toegelaten (verwacht: kleine letters, cijfers, - en _, "
                           "hoogstens 64 tekens, bv. pact-stopt-2028)")
    return name


def check_toml(name: str, text: str):
    """The scenario in ``text`` (validated as a scenario file is); refuses in Dutch."""
    from ..excel.core import error_text
    from ..scenario.spec import scenario_from_dict

    if not isinstance(text, str) or not text.strip():
        raise LibraryError("de scenariotekst is leeg (verwacht: TOML met een titel en [[changes]])")
    if len(text.encode("utf-8")) > MAX_TOML_BYTES:
        raise LibraryError(f"de scenariotekst is groter dan {MAX_TOML_BYTES // 1024} kB", status=413)
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise LibraryError(f"de scenariotekst is geen geldige TOML ({exc})") from None
    data.pop("name", None)  # the library's name is the scenario's name
    try:
        return scenario_from_dict(data, name=name, file=None)
    except InputError as exc:
        raise LibraryError("de scenariotekst klopt niet: " + error_text(exc).removeprefix("#W13: ")) from None


def check_who(who: str) -> str:
    if not isinstance(who, str) or not who.strip():
        raise LibraryError("onbekende gebruiker")
    return who.strip()[:200]


class Library:
    """The scenario library on one database (an SQLAlchemy engine)."""

    def __init__(self, engine):
        from sqlalchemy.orm import sessionmaker

        self.engine = engine
        self.sessions = sessionmaker(engine, expire_on_commit=False)
        #: Changes when what a plain name resolves to may have changed (an approval), so that
        #: the Excel functions' caches keyed on names notice (w13xl.excel.core).
        self.generation = 0
        self._lock = threading.Lock()

    # -- reading ----------------------------------------------------------------------------------
    def _scenario(self, session, name: str) -> ScenarioRow:
        from sqlalchemy import select

        row = session.scalars(select(ScenarioRow).where(ScenarioRow.name == name)).first()
        if row is None:
            raise LibraryError(f"scenario '{name}' staat niet in de bibliotheek", status=404)
        return row

    def _row(self, session, name: str, number: int) -> VersionRow:
        for v in self._scenario(session, name).versions:
            if v.number == number:
                return v
        raise LibraryError(f"scenario '{name}' heeft geen versie {number}", status=404)

    def names(self) -> list[dict]:
        """Every scenario: name, latest version and its status, latest approved version."""
        from sqlalchemy import select

        out = []
        with self.sessions() as session:
            for row in session.scalars(select(ScenarioRow).order_by(ScenarioRow.name)):
                latest = row.versions[-1]
                approved = [v.number for v in row.versions if v.status == APPROVED]
                out.append({"naam": row.name, "laatste_versie": latest.number, "status": latest.status,
                            "auteur": latest.author, "tijdstip": _version(latest).created_at.isoformat(),
                            "goedgekeurde_versie": approved[-1] if approved else None})
        return out

    def versions(self, name: str) -> list[Version]:
        check_name(name)
        with self.sessions() as session:
            return [_version(v) for v in self._scenario(session, name).versions]

    def get(self, name: str, number: int | None = None) -> Version:
        """Version ``number`` of ``name``, or its latest version."""
        check_name(name)
        with self.sessions() as session:
            row = self._scenario(session, name)
            return _version(row.versions[-1] if number is None else self._row(session, name, number))

    def approved(self, name: str) -> Version:
        check_name(name)
        with self.sessions() as session:
            found = [v for v in self._scenario(session, name).versions if v.status == APPROVED]
            if not found:
                raise LibraryError(f"scenario '{name}' heeft nog geen goedgekeurde versie (verwacht: "
                                   f"'{name}@versie' voor een concept)", status=404)
            return _version(found[-1])

    def resolve(self, ref: str) -> Version:
        """``naam`` (latest approved) or ``naam@versie``."""
        name, _, number = ref.strip().partition("@")
        if number:
            if not number.isdigit():
                raise LibraryError(f"'{ref}': na @ komt een versienummer (verwacht: bv. {name}@2)")
            return self.get(name, int(number))
        return self.approved(name)

    def audit(self, name: str | None = None) -> list[dict]:
        from sqlalchemy import select

        with self.sessions() as session:
            query = select(AuditRow).order_by(AuditRow.id)
            if name is not None:
                query = query.where(AuditRow.scenario == check_name(name))
            return [{"tijdstip": (r.at if r.at.tzinfo else r.at.replace(tzinfo=dt.UTC)).isoformat(), "wie": r.who,
                     "actie": r.action, "scenario": r.scenario, "versie": r.version,
                     "details": json.loads(r.detail or "{}")} for r in session.scalars(query)]

    # -- changing -------------------------------------------------------------------------------
    @staticmethod
    def _now() -> dt.datetime:
        return dt.datetime.now(dt.UTC)

    def _log(self, session, who: str, action: str, name: str, version: int | None, **detail) -> None:
        session.add(AuditRow(at=self._now(), who=who, action=action, scenario=name, version=version,
                             detail=json.dumps(detail, ensure_ascii=False, default=str)))

    def save(self, name: str, toml: str, *, who: str, comment: str = "", based_on: int | None = None,
             action: str = "opslaan") -> Version:
        """A new version (status concept) of ``name`` with the text ``toml``. ``based_on``: the
        version the author edited; refused when a newer version was saved meanwhile."""
        check_name(name)
        who = check_who(who)
        check_toml(name, toml)
        comment = (comment or "").strip()[:2000]
        with self._lock, self.sessions.begin() as session:
            from sqlalchemy import select

            row = session.scalars(select(ScenarioRow).where(ScenarioRow.name == name)).first()
            if row is None:
                if based_on is not None:
                    raise LibraryError(f"scenario '{name}' staat niet in de bibliotheek", status=404)
                row = ScenarioRow(name=name, created_at=self._now(), created_by=who)
                session.add(row)
                session.flush()
                number = 1
            else:
                latest = row.versions[-1].number
                if based_on is not None and based_on != latest:
                    raise LibraryError(f"scenario '{name}': versie {latest} werd intussen opgeslagen; je bewerkte "
                                       f"versie {based_on} (verwacht: open versie {latest} en bewerk die)", status=409)
                number = latest + 1
            version = VersionRow(scenario_id=row.id, number=number, toml=toml, author=who, created_at=self._now(),
                                 comment=comment, based_on=based_on, status=CONCEPT)
            session.add(version)
            self._log(session, who, action, name, number, commentaar=comment, gebaseerd_op=based_on)
            session.flush()
            session.refresh(version)
            self.generation += 1  # "naam@N" may exist now
            return _version(version)

    def submit(self, name: str, number: int, *, who: str) -> Version:
        """concept -> nagezien."""
        return self._move(name, number, who=who, frm=CONCEPT, to=REVIEWED, action="indienen")

    def approve(self, name: str, number: int, *, who: str, decision_date: dt.date, decision_ref: str) -> Version:
        """nagezien -> goedgekeurd, by the raad van bestuur on ``decision_date`` (decision ``decision_ref``)."""
        if not isinstance(decision_date, dt.date):
            raise LibraryError("besluitdatum ontbreekt (verwacht: de datum van de raad van bestuur, bv. 2026-12-15)")
        if decision_date > dt.date.today():
            raise LibraryError(f"besluitdatum {decision_date:%d/%m/%Y} ligt in de toekomst (verwacht: de datum van "
                               "de vergadering die besliste)")
        ref = (decision_ref or "").strip()
        if not ref:
            raise LibraryError("referentie van het besluit ontbreekt (verwacht: bv. RvB 2026-12-15 punt 7)")
        return self._move(name, number, who=who, frm=REVIEWED, to=APPROVED, action="goedkeuren",
                          decision_date=decision_date, decision_ref=ref[:200])

    def _move(self, name, number, *, who, frm, to, action, decision_date=None, decision_ref=None) -> Version:
        check_name(name)
        who = check_who(who)
        with self._lock, self.sessions.begin() as session:
            row = self._row(session, name, int(number))
            if row.status == APPROVED:
                raise LibraryError(f"{name}@{number} is goedgekeurd en vergrendeld (verwacht: sla een nieuwe "
                                   "versie op; die wordt een concept)", status=409)
            if row.status != frm:
                raise LibraryError(f"{name}@{number} heeft status {row.status} (verwacht: {frm})", status=409)
            row.status = to
            if to == REVIEWED:
                row.reviewed_by, row.reviewed_at = who, self._now()
            else:
                row.approved_by, row.approved_at = who, self._now()
                row.decision_date, row.decision_ref = decision_date, decision_ref
                self.generation += 1
            self._log(session, who, action, name, row.number, van=frm, naar=to, besluit_referentie=decision_ref,
                      besluit_datum=decision_date.isoformat() if decision_date else None)
            session.flush()
            return _version(row)

    def import_file(self, path: Path, *, who: str, name: str | None = None, comment: str | None = None) -> Version:
        path = Path(path)
        try:
            text = path.read_text(encoding="utf-8-sig")
        except (OSError, UnicodeDecodeError):
            raise LibraryError(f"{path.name}: het bestand kan niet gelezen worden "
                               "(verwacht: een UTF-8 .toml-bestand)") from None
        return self.save(name or path.stem, text, who=who, comment=comment or f"geïmporteerd uit {path.name}",
                         action="importeren")


def database_url(data_dir: str | Path | None = None, url: str | None = None) -> str:
    """``url`` (W13XL_DATABASE_URL), else SQLite in ``data_dir``."""
    if url:
        return url
    if data_dir is None:
        raise W13Error("geen gegevensmap en geen W13XL_DATABASE_URL voor de scenariobibliotheek")
    folder = Path(data_dir).expanduser()
    folder.mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{folder.resolve() / SQLITE_NAME}"


def migrate(engine) -> None:
    """Bring the database to the newest schema (Alembic ``upgrade head``)."""
    from alembic import command
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "head")


def open_library(data_dir: str | Path | None = None, url: str | None = None) -> Library:
    """The library at ``url`` or in ``data_dir``, its schema brought up to date."""
    from sqlalchemy import create_engine, event

    target = database_url(data_dir, url)
    try:
        engine = create_engine(target, pool_pre_ping=True)
    except Exception as exc:
        raise W13Error(f"W13XL_DATABASE_URL is geen geldige database-URL ({type(exc).__name__})") from None
    if engine.dialect.name == "sqlite":
        @event.listens_for(engine, "connect")
        def _pragmas(dbapi_connection, _record):  # foreign keys on; writers wait instead of failing
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute("PRAGMA busy_timeout=10000")
            cursor.close()
    try:
        migrate(engine)
    except Exception as exc:
        shown = engine.url.render_as_string(hide_password=True)
        raise W13Error(f"de scenariobibliotheek kan niet geopend worden ({shown}: {type(exc).__name__})") from None
    return Library(engine)


def backup(library: Library, out: Path) -> Path:
    """A consistent copy of an SQLite library while the server runs (SQLite's online backup).
    PostgreSQL: pg_dump (docs/server.md)."""
    import sqlite3

    if library.engine.dialect.name != "sqlite":
        raise W13Error("backup maakt alleen een kopie van een SQLite-bibliotheek (verwacht: pg_dump voor PostgreSQL)")
    source_path = library.engine.url.database
    out = Path(out)
    if out.exists():
        raise W13Error(f"{out}: het bestand bestaat al (verwacht: een nieuwe bestandsnaam)")
    source = sqlite3.connect(f"file:{source_path}?mode=ro", uri=True)
    try:
        target = sqlite3.connect(out)
        with target:
            source.backup(target)
        target.close()
    finally:
        source.close()
    return out
