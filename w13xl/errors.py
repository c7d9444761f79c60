"""Errors and warnings that name where in the user's input something is wrong.

Every message is Dutch at source: either a text from the catalogue :mod:`w13xl.messages`
(looked up by id with parameters, see :func:`w13xl.messages.msg`) or a Dutch text written at the
raise site. The place (file, sheet, cell or row, key) is kept in fields and rendered with the
catalogue's location words, so the terminal, JSON/CSV outputs and Excel cells show the same
text and no caller ever parses a message back.
"""

from __future__ import annotations

from dataclasses import dataclass

from .messages import location, message_id, message_params


class W13Error(Exception):
    """Base class for every error w13xl reports to a user (no traceback needed)."""


class InputError(W13Error):
    """Bad input: says where (file, sheet, cell or row, key) and what was expected.

    ``message`` and ``expected`` are Dutch (a catalogue text from :func:`w13xl.messages.msg`
    carries its id and parameters along). ``row`` is a sheet row (1-based) when no single cell
    is meant; ``column`` names the column header a row's message is about (the sheet readers
    turn row and column into a cell)."""

    def __init__(
        self,
        message: str,
        *,
        file: str | None = None,
        sheet: str | None = None,
        cell: str | None = None,
        expected: str | None = None,
        key: str | None = None,
        row: int | None = None,
        column: str | None = None,
    ) -> None:
        self.message = str(message)
        self.id = message_id(message)
        self.params = message_params(message)
        self.key = key
        self.file = file
        self.sheet = sheet
        self.cell = cell
        self.row = row
        self.column = column
        self.expected = expected
        super().__init__(str(self))

    def at(self, *, file: str | None = None, sheet: str | None = None, cell: str | None = None,
           row: int | None = None) -> InputError:
        """The same error with the place filled in where still unknown."""
        return InputError(
            self._source_message(),
            file=self.file or file,
            sheet=self.sheet or sheet,
            cell=self.cell or cell,
            expected=self.expected,
            key=self.key,
            row=self.row if self.row is not None else row,
            column=self.column,
        )

    def _source_message(self) -> str:
        from .messages import Text

        return Text(self.message, self.id, self.params) if self.id else self.message

    def where(self) -> str:
        """The place alone, in Dutch: ``bestand.xlsx, blad 'Synthese', cel G1``."""
        return location(self.file, self.sheet, self.cell, self.key, self.row)

    def __str__(self) -> str:
        where = self.where()
        text = f"{where}: {self.message}" if where else self.message
        if self.expected:
            text += f" (verwacht: {self.expected})"
        return text


@dataclass(frozen=True)
class InputWarning:
    """Something accepted but worth a look, e.g. an amount stored as text (Dutch)."""

    message: str
    file: str | None = None
    sheet: str | None = None
    cell: str | None = None

    def __str__(self) -> str:
        where = location(self.file, self.sheet, self.cell)
        return f"{where}: {self.message}" if where else self.message


class RowError(InputError, ValueError):
    """An InputError of a pure table reader (roster, salary scales, subsidy register) that knows
    the row (1-based, header = row 1) and the column (its Dutch header name and index) but not
    the sheet; the workbook loader adds the sheet and turns row and column into a cell. A
    ValueError too, for callers that read a CSV file."""

    def __init__(self, message: str, *, row: int | None = None, column: str | None = None,
                 col: int | None = None, expected: str | None = None) -> None:
        self.col = col
        super().__init__(message, row=row, column=column, expected=expected)

    def at_row(self, row: int, col: int | None = None) -> RowError:
        return RowError(self._source_message(), row=row, column=self.column,
                        col=self.col if self.col is not None else col, expected=self.expected)
