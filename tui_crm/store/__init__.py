"""Persistence: TinyDB tables behind repositories; the UI imports only from here."""

from .contact_index import SORT_COLUMNS, ContactQuery
from .contacts import ContactRepository, InvalidContactError
from .database import Database, create_database
from .errors import (
    ConflictError,
    NewerSchemaError,
    NotADatabaseError,
    NotFoundError,
    ReadOnlyError,
    StoreError,
    StoreIOError,
)
from .links import LinkError, LinkRepository

__all__ = [
    "SORT_COLUMNS",
    "ConflictError",
    "ContactQuery",
    "ContactRepository",
    "Database",
    "InvalidContactError",
    "LinkError",
    "LinkRepository",
    "NewerSchemaError",
    "NotADatabaseError",
    "NotFoundError",
    "ReadOnlyError",
    "StoreError",
    "StoreIOError",
    "create_database",
]
