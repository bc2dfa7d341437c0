"""The one root of every expected failure. The library raises these; only `tahqiq.cli` turns them into messages and
exit codes (invalid data 1, usage or environment 2)."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from tahqiq.issues import Report


class TahqiqError(Exception):
    """An expected failure with words for the user."""


class UsageError(TahqiqError):
    """The request itself is wrong: a missing path, a bad option value, a name of the wrong form."""


class EnvironmentProblem(TahqiqError):
    """Something outside the data stands in the way: no project here, a server not running or refusing, no
    network, no token, no permission, a broken tool installation."""


class DataError(TahqiqError):
    """The data is not acceptable, for a reason that is not a list of validation issues."""


class Refused(DataError):
    """Work refused because validation found errors; the report says which. Nothing was written or sent."""

    def __init__(self, report: Report, message: str | None = None):
        super().__init__(message or f"{len(report.errors)} validation error(s)")
        self.report = report
