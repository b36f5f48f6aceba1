"""Write a draft as YAML laid out like the curated documents/<city>.yml files.

Sections and records in block style, in the order the curated files use; short lists (topics,
aliases, departments) and each figure and tier step on one line; clause texts folded (>-) as in
the curated files. Chinese is written as it is (no \\u escapes) and no line is wrapped, so a clause
stays searchable in the file.
"""

from __future__ import annotations

from typing import Any

import yaml

HEADER = (
    "# 草稿: python -m policy_db draft 从 {source} 自动生成。每条记录的 review 说明了要人工核对的字段,\n"
    "# 核对(改正)后删除 review;全部删除后再放进 policy_db/data/documents/。\n"
)
_FOLDED_KEYS = {"clause_text", "context"}
_FLOW_LISTS = {"topics", "aliases", "departments", "synonyms"}


class _Flow(list):
    """A list written on one line: [a, b]."""


class _FlowMap(dict):
    """A mapping written on one line: {kind: amount, value: 50}."""


class _Folded(str):
    """A long text written folded (>-)."""


class _Dumper(yaml.SafeDumper):
    def increase_indent(self, flow: bool = False, indentless: bool = False) -> Any:
        return super().increase_indent(flow, False)  # list items indented under their key, as curated

    def ignore_aliases(self, data: Any) -> bool:
        return True  # a date used twice is written twice, not as &id001


def _represent_flow(dumper: yaml.SafeDumper, data: list) -> yaml.Node:
    return dumper.represent_sequence("tag:yaml.org,2002:seq", data, flow_style=True)


def _represent_flow_map(dumper: yaml.SafeDumper, data: dict) -> yaml.Node:
    return dumper.represent_mapping("tag:yaml.org,2002:map", data.items(), flow_style=True)


def _represent_folded(dumper: yaml.SafeDumper, data: str) -> yaml.Node:
    return dumper.represent_scalar("tag:yaml.org,2002:str", str(data), style=">")


_Dumper.add_representer(_Flow, _represent_flow)
_Dumper.add_representer(_FlowMap, _represent_flow_map)
_Dumper.add_representer(_Folded, _represent_folded)


def _styled(value: Any, key: str = "") -> Any:
    if isinstance(value, dict):
        if key in ("figures_item", "steps_item"):
            return _FlowMap({k: _styled(v) for k, v in value.items()})
        return {k: _styled(v, k) for k, v in value.items()}
    if isinstance(value, list):
        if key in _FLOW_LISTS and all(isinstance(v, str) for v in value):
            return _Flow(_styled(v) for v in value)
        item_key = f"{key}_item" if key in ("figures", "steps") else ""
        return [_styled(v, item_key) for v in value]
    if isinstance(value, str) and key in _FOLDED_KEYS:
        return _Folded(value)
    return value


def to_yaml(draft: dict[str, Any], source_name: str) -> str:
    """The draft as the text of a documents/<city>.yml file."""
    body = yaml.dump(
        _styled(draft), Dumper=_Dumper, allow_unicode=True, sort_keys=False, width=1_000_000, default_flow_style=False
    )
    return HEADER.format(source=source_name) + body
