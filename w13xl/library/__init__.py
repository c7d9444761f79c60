"""The scenario library: one shared store of scenarios for the team, with immutable versions.

* A scenario has a name and versions 1, 2, 3, ...; a version's content (the scenario's TOML
  text), author, time and comment never change. Saving always makes a new version, with status
  ``concept``.
* A version's status moves forward only: ``concept`` -> ``nagezien`` (submitted for review) ->
  ``goedgekeurd`` (approved by the raad van bestuur on a date, with the decision's reference).
  An approved version is locked; editing it means saving a new concept.
* Every change is in the audit log: who, when, what.
* ``naam`` means the latest approved version; ``naam@3`` version 3 (any status).

Storage: SQLAlchemy, SQLite in the server's data folder by default (``bibliotheek.sqlite``),
PostgreSQL (or another database SQLAlchemy knows) by URL; the schema comes from the Alembic
migrations in ``migrations/versions``, applied when the library is opened.
"""

from .store import Library, LibraryError, open_library  # noqa: F401
