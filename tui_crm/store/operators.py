"""Operators (employees): login name and display name, shared by every session."""

from __future__ import annotations

from collections.abc import Callable

from tui_crm.domain.operators import Operator, OperatorError, clean_login
from tui_crm.i18n import _, ngettext

from .contacts import utc_now
from .database import Database

TABLE = "operators"

#: how many records (activities, contacts, permission groups …) name a login
UsageCounter = Callable[[str], int]


class OperatorRepository:
    def __init__(self, database: Database) -> None:
        self.database = database
        self._table = database.table(TABLE)
        self._counters: list[UsageCounter] = []

    def count_uses(self, counter: UsageCounter) -> None:
        """Register how another part of the program counts the records that name a login (the
        application does it: this repository does not know the others)."""
        self._counters.append(counter)

    def uses(self, login: str) -> int:
        return sum(counter(login) for counter in self._counters)

    def delete(self, login: str) -> None:
        """Remove an operator no record names (a mistyped login); one in use is to be switched
        off instead, so the names in activities and contacts keep meaning someone."""
        with self.database.write() as batch:  # counted under the lock, other sessions caught up
            found = self._find(login)
            if found is None:
                raise OperatorError(_("The operator no longer exists."))
            count = self.uses(login)
            if count:
                raise OperatorError(ngettext(
                    "“{login}” is named by {n} record (an activity, a contact or a permission group): switch it "
                    "off instead.",
                    "“{login}” is named by {n} records (activities, contacts or permission groups): switch it "
                    "off instead.", count).format(login=login, n=count))
            batch.remove(TABLE, found[0])

    def all(self, *, include_inactive: bool = True) -> list[Operator]:
        found = [self._operator(doc) for _, doc in self._table.raw_items()]
        return sorted((o for o in found if include_inactive or o.active), key=lambda o: o.login.casefold())

    def get(self, login: str) -> Operator | None:
        found = self._find(login)
        return None if found is None else self._operator(found[1])

    def shown(self, login: str) -> str:
        """The display name of an operator, or the login when the operator is unknown."""
        operator = self.get(login)
        return operator.name or login if operator else login

    def ensure(self, login: str) -> None:
        """Make the session's operator known (a no-op when it is, or the file is read-only)."""
        if self.get(login) is None and not self.database.read_only:
            self.save(Operator(clean_login(login)), author=login, new=True)

    def save(self, operator: Operator, *, author: str, new: bool = False, seen: Operator | None = None) -> Operator:
        """Add (``new``) or change an operator. ``seen`` is the operator as the user saw it before
        editing: if someone else changed it meanwhile, the save is refused rather than lost."""
        login = clean_login(operator.login)
        with self.database.write() as batch:
            found = self._find(login)
            if new and found is not None:
                raise OperatorError(_("The login name “{login}” is taken.").format(login=login))
            if not new and found is None:
                raise OperatorError(_("The operator no longer exists."))
            if seen is not None and found is not None and self._operator(found[1]) != seen:
                raise OperatorError(_("Someone else changed this operator meanwhile; look at it and try again."))
            record_id = found[0] if found else batch.new_id(TABLE)
            batch.put(TABLE, record_id, {"login": login, "name": " ".join(operator.name.split()),
                                         "active": operator.active, "updated_by": author, "updated_at": utc_now()})
        return Operator(login, " ".join(operator.name.split()), operator.active)

    @staticmethod
    def _operator(doc: dict) -> Operator:
        return Operator(doc["login"], doc.get("name", ""), doc.get("active", True))

    def _find(self, login: str) -> tuple[int, dict] | None:
        return next(((i, doc) for i, doc in self._table.raw_items() if doc.get("login") == login), None)
