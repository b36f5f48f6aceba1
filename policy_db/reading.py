"""Read mappings of the data files into records, checked against the records' schema (schema.py).

Every problem is reported through `add_problem(where, message)` with the file and the record it is
in (`documents/binzhou.yml benefits[3] (bz-listing-reward): 未知字段 valid_untill`), and reading
goes on, so one pass finds them all: unknown keys, missing required keys, wrong shapes (a text where
a list belongs), values outside a field's choices, dates that are not dates, figures that do not
parse. What needs more than one field or other files (a department named in the benefit but not in
its document, a clause not found in the source) is checked by the loader, through `finish`.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import difflib
from decimal import Decimal, InvalidOperation
from typing import Any, Callable, Mapping, TypeVar

from .schema import AddProblem, FieldSpec, data_specs, field_specs

R = TypeVar("R")
# (values by field name, where) -> the values to build the record from, or None to drop it.
Finish = Callable[[dict[str, Any], str], dict[str, Any] | None]
_MISSING = object()


class RecordReader:
    """Reads records of any class of records.py; `finishers` add checks that need the whole record."""

    def __init__(self, add_problem: AddProblem, finishers: Mapping[type, Finish] | None = None):
        self.add_problem = add_problem
        self.finishers = dict(finishers or {})

    # -- whole records ---------------------------------------------------------------------
    def record(self, cls: type[R], raw: Any, where: str, finish: Finish | None = None, **context: Any) -> R | None:
        """The record written as `raw`, or None when it cannot be built (the problems are reported).

        `context` gives the fields not written in the data files (a benefit's city, a document's text)."""
        values = self.fields(cls, raw, where)
        if values is None:
            return None
        finish = finish or self.finishers.get(cls)
        if finish is not None:
            values = finish(values, where)
            if values is None:
                return None
        values |= context
        needed = {
            f.name
            for f in dataclasses.fields(cls)  # type: ignore[arg-type]
            if f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING
        }
        if not needed <= set(values):
            return None  # a required value is missing or malformed: already reported
        return cls(**values)

    def records(self, cls: type[R], raw: Any, where: str, finish: Finish | None = None, **context: Any) -> list[R]:
        """The records of a YAML list (None or absent: none); items are named `where[i] (label)`."""
        if raw is None:
            return []
        if not isinstance(raw, list):
            self.add_problem(where, f"应为列表,实际是 {_kind(raw)}")
            return []
        out = []
        for i, item in enumerate(raw):
            record = self.record(cls, item, item_where(cls, where, i, item), finish, **context)
            if record is not None:
                out.append(record)
        return out

    # -- the fields of one mapping -----------------------------------------------------------------
    def check_keys(self, cls: type, raw: Any, where: str) -> dict[str, Any] | None:
        """`raw` if it is a mapping; reports keys that `cls` does not have and required keys missing."""
        if not isinstance(raw, dict):
            self.add_problem(where, f"应为映射 (key: value),实际是 {_kind(raw)}")
            return None
        specs = data_specs(cls)
        known = [s.key for s in specs if s.key]
        for key in raw:
            if key not in known:
                close = difflib.get_close_matches(str(key), known, n=1)
                self.add_problem(where, f"未知字段 {key}" + (f"(是否应为 {close[0]}?)" if close else ""))
        for spec in specs:
            if spec.required and _blank(raw.get(spec.key)):
                self.add_problem(where, f"缺少 {spec.key}")
        return raw

    def fields(self, cls: type, raw: Any, where: str) -> dict[str, Any] | None:
        """The values of the fields written in `raw`, by field name, converted to the fields' types;
        a value that is missing or malformed is left out (and reported)."""
        mapping = self.check_keys(cls, raw, where)
        if mapping is None:
            return None
        values: dict[str, Any] = {}
        for spec in data_specs(cls):
            assert spec.key is not None
            value = self._value(spec, mapping.get(spec.key), where)
            if value is not _MISSING:
                values[spec.name] = value
        return values

    def _value(self, spec: FieldSpec, raw: Any, where: str) -> Any:
        """The field's value from YAML, or _MISSING (absent, or malformed and reported)."""
        key = spec.key
        if spec.shape == "texts":
            if raw is None:
                return ()
            if not isinstance(raw, list) or not all(_is_text(v) or v is None for v in raw):
                self.add_problem(where, f"{key} 应为文本列表: {raw!r}")
                return _MISSING
            return tuple(str(v).strip() for v in raw if v is not None and str(v).strip())
        if spec.shape == "records":
            assert spec.nested is not None
            return tuple(self.records(spec.nested, raw, f"{where} {key}"))
        if _blank(raw):
            return None if spec.optional else _MISSING
        value = self._shaped(spec, raw, where)
        if value is _MISSING:
            return value
        if spec.choices is not None and value not in spec.choices:
            self.add_problem(where, f"未知的 {key} {value!r},可选: {', '.join(spec.choices)}")
        if spec.read is not None:
            try:
                value = spec.read(value, where, self.add_problem)
            except (ValueError, ArithmeticError) as exc:
                self.add_problem(where, str(exc))
                return _MISSING
        return value

    def _shaped(self, spec: FieldSpec, raw: Any, where: str) -> Any:
        key, shape = spec.key, spec.shape
        if shape == "text":
            if _is_text(raw):
                return str(raw).strip()
            self.add_problem(where, f"{key} 应为文本: {raw!r}")
        elif shape == "date":
            if isinstance(raw, dt.date) and not isinstance(raw, dt.datetime):
                return raw
            try:
                return dt.date.fromisoformat(str(raw))
            except ValueError:
                self.add_problem(where, f"{key} 不是日期 (YYYY-MM-DD): {raw!r}")
        elif shape == "number":
            number = decimal_or_none(raw)
            if number is not None:
                return number
            self.add_problem(where, f"{key} 不是数字: {raw!r}")
        elif shape in _KEPT_AS_WRITTEN:
            is_shape, expected = _KEPT_AS_WRITTEN[shape]
            if is_shape(raw):
                return raw
            self.add_problem(where, f"{key} 应为{expected}: {raw!r}")
        elif shape == "record":
            assert spec.nested is not None
            record = self.record(spec.nested, raw, f"{where} {key}")
            return _MISSING if record is None else record
        return _MISSING


def item_where(cls: type, where: str, index: int, item: Any) -> str:
    """`documents/x.yml benefits[3] (bz-listing-reward)`: the item's index and, when it has one, its label."""
    label_field = getattr(cls, "data_label", None)
    key = next((s.key for s in field_specs(cls) if s.name == label_field), None)
    label = item.get(key) if key and isinstance(item, dict) else None
    return f"{where}[{index}]" + (f" ({label})" if label not in (None, "") else "")


def decimal_or_none(raw: Any) -> Decimal | None:
    """A finite Decimal from an int, float or numeric text; None otherwise (booleans are not numbers)."""
    if isinstance(raw, bool) or not isinstance(raw, (int, float, str, Decimal)):
        return None
    try:
        number = Decimal(str(raw).strip())
    except InvalidOperation:
        return None
    return number if number.is_finite() else None


def _is_text(raw: Any) -> bool:
    return isinstance(raw, (str, int, float)) and not isinstance(raw, bool)


# Shapes whose YAML value is kept as written once it is of the right kind (the record's own reader
# checks it further): the check, and what the error says it should be.
_KEPT_AS_WRITTEN: dict[str, tuple[Callable[[Any], bool], str]] = {
    "bool": (lambda raw: isinstance(raw, bool), " true 或 false"),
    "scalar": (lambda raw: _is_text(raw) or isinstance(raw, dt.date), "单个值"),
    "mapping": (lambda raw: isinstance(raw, dict), "映射 (key: value)"),
    "list": (lambda raw: isinstance(raw, list), "列表"),
}


def _blank(raw: Any) -> bool:
    return raw is None or (isinstance(raw, str) and not raw.strip())


def _kind(raw: Any) -> str:
    return {dict: "映射", list: "列表", str: "文本", type(None): "空值"}.get(type(raw), type(raw).__name__)
