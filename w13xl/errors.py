"""Errors and warnings that name where in the user's input something is wrong."""

from __future__ import annotations

from dataclasses import dataclass


class W13Error(Exception):
    """Base class for every error w13xl reports to a user (no traceback needed)."""


def _location(file: str | None, sheet: str | None, cell: str | None, key: str | None = None) -> str:
    parts = []
    if file:
        parts.append(str(file))
    if sheet:
        parts.append(f"sheet '{sheet}'")
    if cell:
        parts.append(cell if cell.startswith("row ") else f"cell {cell}")
    if key:
        parts.append(f"key {key}")
    return ", ".join(parts)


class InputError(W13Error):
    """Bad input: says where (file, sheet, cell) and what was expected."""

    def __init__(
        self,
        message: str,
        *,
        file: str | None = None,
        sheet: str | None = None,
        cell: str | None = None,
        expected: str | None = None,
        key: str | None = None,
    ) -> None:
        self.message = message
        self.key = key
        self.file = file
        self.sheet = sheet
        self.cell = cell
        self.expected = expected
        super().__init__(str(self))

    def at(self, *, file: str | None = None, sheet: str | None = None) -> InputError:
        """The same error with the file (and sheet) filled in where still unknown."""
        return InputError(
            self.message,
            file=self.file or file,
            sheet=self.sheet or sheet,
            cell=self.cell,
            expected=self.expected,
            key=self.key,
        )

    def __str__(self) -> str:
        where = _location(self.file, self.sheet, self.cell, self.key)
        text = f"{where}: {self.message}" if where else self.message
        if self.expected:
            text += f" (expected {self.expected})"
        return text


@dataclass(frozen=True)
class InputWarning:
    """Something accepted but worth a look, e.g. an amount stored as text."""

    message: str
    file: str | None = None
    sheet: str | None = None
    cell: str | None = None

    def __str__(self) -> str:
        where = _location(self.file, self.sheet, self.cell)
        return f"{where}: {self.message}" if where else self.message
