"""Operators: the employees who use the program, known by their login name.

The operator of a session is its login (or ``--user``); activities are assigned to operators
and each operator has a calendar.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from tui_crm.i18n import _

_LOGIN = re.compile(r"^[\w.@-]+$")


class OperatorError(ValueError):
    pass


@dataclass(frozen=True, slots=True)
class Operator:
    login: str
    name: str = ""
    active: bool = True

    def shown(self) -> str:
        """"Anna Nowak (anna)", or the login alone when there is no name."""
        return f"{self.name} ({self.login})" if self.name and self.name != self.login else self.login


def clean_login(login: str) -> str:
    login = login.strip()
    if not login:
        raise OperatorError(_("Enter the login name."))
    if not _LOGIN.match(login):
        raise OperatorError(_("A login name has letters, digits and . _ - @ only, no spaces."))
    return login
