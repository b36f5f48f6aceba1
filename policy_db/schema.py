"""Per-field metadata of the record dataclasses (records.py): the one definition of the policy data.

A record class is a frozen dataclass whose fields may carry `data_field(...)` options. From the
class and its annotations come

* how it is written in the data files: the YAML key of each field, its shape (text, list of texts,
  date, number, true/false, a nested record ...), whether it is required and which values it may
  take. `policy_db.reading` checks the files against that and builds the records;
* its SQL table (when the class names one in `sql_table`) and the mapping between rows and
  records: `policy_db.models`.

So a new field is one annotated line in records.py (and a line in data/README.md). Most fields need
no options at all: `validity_note: str | None = None` is an optional text under the key
`validity_note` in YAML and a nullable text column in SQL.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import types
import typing
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from typing import Any, Callable, Collection, Literal

from sqlalchemy.types import TypeEngine

# How a value is written in YAML.
Shape = Literal[
    "text",  # a string (numbers are taken as their text); blank means absent
    "texts",  # a list of strings
    "date",  # YYYY-MM-DD
    "number",  # an int, float or numeric string, read as Decimal
    "bool",  # true / false
    "scalar",  # any single value (checked by the record's own reader)
    "mapping",  # a mapping (checked by the record's own reader)
    "list",  # a list (checked by the field's `read`)
    "record",  # a nested record (the annotation's record class)
    "records",  # a list of nested records
]
AddProblem = Callable[[str, str], None]  # (where, message)
FieldReader = Callable[[Any, str, AddProblem], Any]  # (YAML value, where, add_problem) -> record value

_OPTIONS = "policy_db.schema"
_SAME_AS_NAME = "\0"


@dataclass(frozen=True)
class _Options:
    key: str | None
    choices: tuple[str, ...] | None
    shape: Shape | None
    read: FieldReader | None
    stored: bool
    sql: TypeEngine[Any] | None
    to_sql: Callable[[Any], Any] | None
    from_sql: Callable[[Any], Any] | None
    unique: bool


def data_field(
    *,
    key: str | None = _SAME_AS_NAME,
    default: Any = dataclasses.MISSING,
    choices: Collection[str] | None = None,
    shape: Shape | None = None,
    read: FieldReader | None = None,
    stored: bool = True,
    sql: TypeEngine[Any] | None = None,
    to_sql: Callable[[Any], Any] | None = None,
    from_sql: Callable[[Any], Any] | None = None,
    unique: bool = False,
    compare: bool = True,
    repr: bool = True,
) -> Any:
    """A record field with options; every option has a default derived from the annotation.

    key       the YAML key (default: the field's name); None: not written in the data files (filled in
              by the loader, e.g. a benefit's city)
    choices   the values allowed (an enum)
    shape     how it is written in YAML, when the annotation does not say (requires: a list of mappings)
    read      turns the YAML value into the field's value: read(value, where, add_problem); report
              problems through add_problem, or raise ValueError / ArithmeticError with the message
    stored    False: no column (the value comes from the parent row, e.g. a benefit's document)
    sql       the column type, when the shape does not give one; to_sql / from_sql convert the value
    unique    a unique column
    """
    options = _Options(key, _ordered(choices), shape, read, stored, sql, to_sql, from_sql, unique)
    return dataclasses.field(default=default, compare=compare, repr=repr, metadata={_OPTIONS: options})


def _ordered(choices: Collection[str] | None) -> tuple[str, ...] | None:
    if choices is None:
        return None
    return tuple(sorted(choices)) if isinstance(choices, (set, frozenset)) else tuple(choices)


@dataclass(frozen=True)
class FieldSpec:
    """Everything known about one field of a record class."""

    name: str  # the attribute
    key: str | None  # the YAML key; None: not in the data files
    shape: Shape | None  # how it is written in YAML; None only for fields not in the data files
    value_shape: Shape | None  # what the annotation says it is (gives the SQL column type)
    optional: bool  # may be None
    required: bool  # must be written in the data files
    choices: tuple[str, ...] | None
    read: FieldReader | None
    nested: type | None  # the record class of a record/records field
    stored: bool
    sql: TypeEngine[Any] | None
    to_sql: Callable[[Any], Any] | None
    from_sql: Callable[[Any], Any] | None
    unique: bool


def _shape_of(annotation: Any) -> tuple[Shape | None, bool, type | None]:
    """(shape, optional, nested record class) read from a field's type annotation."""
    optional = False
    if typing.get_origin(annotation) in (typing.Union, types.UnionType):
        args = [a for a in typing.get_args(annotation) if a is not type(None)]
        optional = len(args) < len(typing.get_args(annotation))
        if len(args) != 1:
            return None, optional, None
        annotation = args[0]
    if typing.get_origin(annotation) is tuple:
        item = typing.get_args(annotation)[0]
        if item is str:
            return "texts", optional, None
        if dataclasses.is_dataclass(item):
            return "records", optional, typing.cast(type, item)
        return None, optional, None
    simple: dict[Any, Shape] = {str: "text", dt.date: "date", Decimal: "number", bool: "bool"}
    if annotation in simple:
        return simple[annotation], optional, None
    if dataclasses.is_dataclass(annotation):
        return "record", optional, typing.cast(type, annotation)
    return None, optional, None


@cache
def field_specs(cls: type) -> tuple[FieldSpec, ...]:
    """The fields of a record class with their options resolved; raise TypeError on a field whose
    YAML shape cannot be told (a programming error, found when the module is imported)."""
    hints = typing.get_type_hints(cls)
    specs = []
    for f in dataclasses.fields(cls):
        options: _Options = f.metadata.get(_OPTIONS) or _Options(
            _SAME_AS_NAME, None, None, None, True, None, None, None, False
        )
        derived_shape, optional, nested = _shape_of(hints[f.name])
        key = f.name if options.key == _SAME_AS_NAME else options.key
        shape = options.shape or derived_shape
        if key is not None and shape is None:
            raise TypeError(f"{cls.__name__}.{f.name}: give data_field(shape=...) for {hints[f.name]}")
        has_default = f.default is not dataclasses.MISSING or f.default_factory is not dataclasses.MISSING
        required = key is not None and not has_default and not optional and shape not in ("texts", "records")
        specs.append(
            FieldSpec(
                name=f.name,
                key=key,
                shape=shape,
                value_shape=derived_shape,
                optional=optional or (has_default and f.default is None),
                required=required,
                choices=options.choices,
                read=options.read,
                nested=nested if shape in ("record", "records") else None,
                stored=options.stored,
                sql=options.sql,
                to_sql=options.to_sql,
                from_sql=options.from_sql,
                unique=options.unique,
            )
        )
    return tuple(specs)


def data_specs(cls: type) -> tuple[FieldSpec, ...]:
    """The fields written in the data files."""
    return tuple(s for s in field_specs(cls) if s.key is not None)
