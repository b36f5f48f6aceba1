"""The SQL form of the records: SQLAlchemy Core tables derived from records.py, and rows <-> records.

Every record class with a `sql_table` gets a table: `id`, `parent_id` and `position` when it
belongs to a parent row (a benefit's figures, a document's benefits), and one column per stored
field, typed from the field's shape (text, JSON list, date, exact decimal, boolean) or its
`data_field(sql=...)`. Nested record fields (a benefit's `figures`, its `tier`) are child rows.
`meta` holds the build stamp and the tokenizer vocabulary.
"""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal
from typing import Any, Iterable, Mapping, TypeVar

from sqlalchemy import JSON, Boolean, Column, Date, ForeignKey, Integer, MetaData, String, Table, Text
from sqlalchemy.engine import Connection
from sqlalchemy.types import TypeDecorator, TypeEngine

from .records import TABLE_RECORDS
from .schema import FieldSpec, field_specs

R = TypeVar("R")


class ExactDecimal(TypeDecorator[Decimal]):
    """Decimals stored as text: exact on SQLite (which has no decimal type) and PostgreSQL alike."""

    impl = String(40)
    cache_ok = True

    def process_bind_param(self, value: Any, dialect: Any) -> str | None:
        return None if value is None else str(Decimal(value))

    def process_result_value(self, value: Any, dialect: Any) -> Decimal | None:
        return None if value is None else Decimal(value)


_SQL_BY_SHAPE: dict[str, TypeEngine[Any]] = {
    "text": Text(),
    "texts": JSON(),
    "date": Date(),
    "number": ExactDecimal(),
    "bool": Boolean(),
}

metadata = MetaData()
meta = Table("meta", metadata, Column("key", String(50), primary_key=True), Column("value", Text, nullable=False))


def _columns(cls: type) -> list[FieldSpec]:
    """The fields of `cls` stored as columns of its table (not nested records, not parent values)."""
    return [s for s in field_specs(cls) if s.stored and s.nested is None]


def _children(cls: type) -> list[FieldSpec]:
    return [s for s in field_specs(cls) if s.stored and s.nested is not None]


def _table(cls: type) -> Table:
    parent = getattr(cls, "sql_parent", None)
    columns: list[Column[Any]] = [Column("id", Integer, primary_key=True, autoincrement=False)]
    if parent:
        columns += [
            Column("parent_id", ForeignKey(f"{parent}.id", ondelete="CASCADE"), nullable=False, index=True),
            Column("position", Integer, nullable=False),
        ]
    for spec in _columns(cls):
        sql = spec.sql or _SQL_BY_SHAPE.get(spec.value_shape or "")
        if sql is None:
            raise TypeError(f"{cls.__name__}.{spec.name}: give data_field(sql=...) or stored=False")
        columns.append(Column(spec.name, sql, nullable=spec.optional, unique=spec.unique))
    return Table(cls.sql_table, metadata, *columns)  # type: ignore[attr-defined]


TABLES: dict[type, Table] = {cls: _table(cls) for cls in TABLE_RECORDS}


def to_row(record: Any) -> dict[str, Any]:
    """The column values of a record (nested records are rows of their own: RowWriter)."""
    row = {}
    for spec in _columns(type(record)):
        value = getattr(record, spec.name)
        if value is not None and spec.to_sql is not None:
            value = spec.to_sql(value)
        elif spec.value_shape == "texts":
            value = list(value)
        row[spec.name] = value
    return row


class RowWriter:
    """Collects the rows of records and their nested records, with ids assigned in insertion order."""

    def __init__(self) -> None:
        self.rows: dict[Table, list[dict[str, Any]]] = defaultdict(list)

    def add(self, record: Any, parent_id: int | None = None, position: int = 0) -> int:
        table = TABLES[type(record)]
        rows = self.rows[table]
        row_id = len(rows) + 1
        row = {"id": row_id, **to_row(record)}
        if parent_id is not None:
            row |= {"parent_id": parent_id, "position": position}
        rows.append(row)
        for spec in _children(type(record)):
            value = getattr(record, spec.name)
            children = value if spec.shape == "records" else ([value] if value is not None else [])
            for i, child in enumerate(children):
                self.add(child, row_id, i)
        return row_id

    def insert(self, connection: Connection) -> dict[str, int]:
        """Insert every row (one statement per table, parents first); the row count per table."""
        for table in metadata.sorted_tables:
            if self.rows.get(table):
                connection.execute(table.insert(), self.rows[table])
        return {table.name: len(rows) for table, rows in self.rows.items()}


class RowReader:
    """Every row of the record tables, read once, assembled back into records."""

    def __init__(self, connection: Connection):
        self._rows: dict[Table, list[Any]] = {}
        self._by_parent: dict[Table, dict[int, list[Any]]] = {}
        for table in TABLES.values():
            order = [table.c.parent_id, table.c.position] if "parent_id" in table.c else [table.c.id]
            rows = connection.execute(table.select().order_by(*order, table.c.id)).all()
            self._rows[table] = rows
            grouped: dict[int, list[Any]] = defaultdict(list)
            if "parent_id" in table.c:
                for row in rows:
                    grouped[row.parent_id].append(row)
            self._by_parent[table] = grouped

    def rows(self, cls: type) -> list[Any]:
        return self._rows[TABLES[cls]]

    def children(self, cls: type, parent_id: int) -> list[Any]:
        return self._by_parent[TABLES[cls]].get(parent_id, [])

    def record(self, cls: type[R], row: Any, **parent_values: Any) -> R:
        """The record of `row`, with its nested records; `parent_values` fills the fields not stored."""
        values: dict[str, Any] = dict(parent_values)
        mapping: Mapping[str, Any] = row._mapping
        for spec in _columns(cls):
            value = mapping[spec.name]
            if value is not None and spec.from_sql is not None:
                value = spec.from_sql(value)
            elif spec.value_shape == "texts":
                value = tuple(value or ())
            values[spec.name] = value
        for spec in _children(cls):
            assert spec.nested is not None
            nested: list[Any] = [self.record(spec.nested, child) for child in self.children(spec.nested, row.id)]
            values[spec.name] = tuple(nested) if spec.shape == "records" else (nested[0] if nested else None)
        return cls(**values)

    def records(self, cls: type[R], rows: Iterable[Any] | None = None, **parent_values: Any) -> list[R]:
        return [self.record(cls, row, **parent_values) for row in (self.rows(cls) if rows is None else rows)]
