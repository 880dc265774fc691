"""Load a campaign file: YAML → validated :class:`~core.campaign.schema.Campaign`.

Every problem is reported with the field path as written in the file and its line number:
YAML syntax errors, duplicate keys (which PyYAML would silently accept), unsupported YAML tags,
fields the format does not know, wrong types and values, and cross-references between sections.
All problems are collected and raised together as one :class:`CampaignFileError`.

The YAML is composed into a node tree (libyaml's C composer when available) and turned into
plain data by this module, so that each value keeps the line it came from. Strings are
normalised to Unicode NFC so that "Hòa" typed on any keyboard matches.
"""

from __future__ import annotations

import os
import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError
from pydantic_core import ErrorDetails
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from core.campaign.schema import (
    SKIP_REFERENCE_CHECKS,
    UNION_TAGS,
    Campaign,
    Loc,
    format_loc,
    reference_problems,
    show_value,
)

__all__ = [
    "CampaignFileError",
    "CampaignFileIssue",
    "bundled_campaign_path",
    "load_campaign",
    "load_campaign_text",
]

BUNDLED_CAMPAIGN = "mongcai-2024.yaml"
MAX_DEPTH = 64  # a campaign file nests about six levels; deeper input is a mistake

_Composer: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

_STR = "tag:yaml.org,2002:str"
_MAP = "tag:yaml.org,2002:map"
_SEQ = "tag:yaml.org,2002:seq"
_MERGE = "tag:yaml.org,2002:merge"
_SCALAR_TAGS = frozenset(
    f"tag:yaml.org,2002:{name}" for name in ("str", "int", "float", "bool", "null", "timestamp")
)


@dataclass(frozen=True, slots=True)
class CampaignFileIssue:
    """One problem: ``path`` like ``indicators[4].target.op`` ("" for the whole file)."""

    path: str
    line: int | None
    message: str

    def __str__(self) -> str:
        where = f"{self.line}: " if self.line is not None else ""
        return f"{where}{self.path}: {self.message}" if self.path else f"{where}{self.message}"


class CampaignFileError(Exception):
    """The campaign file cannot be used; ``errors`` lists every problem found, in line order."""

    def __init__(self, source: str, errors: Sequence[CampaignFileIssue]) -> None:
        self.source = source
        self.errors = list(errors)
        super().__init__(source, self.errors)

    def __str__(self) -> str:
        return "\n".join(f"{self.source}:{issue}" for issue in self.errors)


def bundled_campaign_path() -> Path:
    """Path of the campaign shipped with the package (Móng Cái 2024)."""
    # The bundled campaigns stay where the README and operators know them: bot/campaigns/.
    return Path(__file__).resolve().parents[2] / "bot" / "campaigns" / BUNDLED_CAMPAIGN


def load_campaign(path: Path | str) -> Campaign:
    """Read and validate a campaign file; raises :class:`CampaignFileError` on any problem."""
    source = os.fspath(path)
    try:
        raw = Path(path).read_bytes()
    except OSError as exc:
        reason = exc.strerror or exc.__class__.__name__
        raise CampaignFileError(source, [_issue(f"không đọc được tệp ({reason})")]) from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise CampaignFileError(source, [_issue("tệp phải được lưu dạng UTF-8", line)]) from None
    return load_campaign_text(text, source=source)


def load_campaign_text(text: str, source: str = "<text>") -> Campaign:
    """Validate campaign YAML given as text; ``source`` names it in error messages."""
    try:
        root = yaml.compose(text, Loader=_Composer)
    except yaml.YAMLError as exc:
        raise CampaignFileError(source, [_yaml_issue(exc)]) from None
    if root is None:
        raise CampaignFileError(source, [_issue("tệp trống: không có nội dung chiến dịch", 1)])

    tree = _Tree()
    data = tree.build(root, ())
    issues = list(tree.issues)
    model: Campaign | None = None
    try:
        model = Campaign.model_validate(data, context={SKIP_REFERENCE_CHECKS: True})
    except ValidationError as exc:
        for error in exc.errors(include_url=False):
            issue = _validation_issue(tree, root, error)
            if issue is not None:
                issues.append(issue)
    for loc, message in reference_problems(data):
        path, line, _node = tree.locate(root, loc)
        issues.append(CampaignFileIssue(path, line, message))
    if issues or model is None:
        raise CampaignFileError(source, _ordered(issues))
    return model


# --------------------------------------------------------------------------- node tree → data


class _Tree:
    """Builds plain data from YAML nodes, remembering where each value came from."""

    def __init__(self) -> None:
        self.issues: list[CampaignFileIssue] = []
        self.flagged: set[int] = set()  # nodes already reported; pydantic's echo is dropped
        self._keys: dict[int, dict[object, tuple[Node, Node]]] = {}
        self._built: dict[int, object] = {}
        self._open: set[int] = set()
        self._scalars = yaml.constructor.SafeConstructor()

    def _flag(self, node: Node, loc: Loc, message: str) -> None:
        self.flagged.add(id(node))
        self.issues.append(CampaignFileIssue(format_loc(loc), _line(node), message))

    def build(self, node: Node, loc: Loc) -> object:
        if isinstance(node, ScalarNode):
            return self._scalar(node, loc)
        key = id(node)
        if key in self._built:
            return self._built[key]
        if key in self._open:
            self._flag(node, loc, "tham chiếu vòng (alias trỏ vào chính nó) không được hỗ trợ")
            return None
        if len(loc) > MAX_DEPTH:
            self._flag(node, loc, f"cấu trúc lồng quá sâu (quá {MAX_DEPTH} cấp)")
            return None
        self._open.add(key)
        try:
            result: object
            if isinstance(node, SequenceNode):
                if node.tag != _SEQ:
                    self._flag(node, loc, f"thẻ YAML {node.tag} không được hỗ trợ")
                result = [self.build(item, (*loc, i)) for i, item in enumerate(node.value)]
            elif isinstance(node, MappingNode):
                if node.tag != _MAP:
                    self._flag(node, loc, f"thẻ YAML {node.tag} không được hỗ trợ")
                result = self._mapping(node, loc)
            else:  # pragma: no cover - the composer yields only the three node kinds
                result = None
        finally:
            self._open.discard(key)
        self._built[key] = result
        return result

    def _scalar(self, node: ScalarNode, loc: Loc) -> object:
        if node.tag not in _SCALAR_TAGS:
            self._flag(node, loc, f"thẻ YAML {node.tag} không được hỗ trợ")
            return None
        try:
            value = self._scalars.construct_object(node)
        except (ValueError, OverflowError, yaml.YAMLError):
            what = "ngày" if node.tag.endswith("timestamp") else "giá trị"
            self._flag(node, loc, f"{what} không hợp lệ: {node.value}")
            return None
        if isinstance(value, str):
            return unicodedata.normalize("NFC", value)
        return value

    def _mapping(self, node: MappingNode, loc: Loc) -> dict[object, object]:
        result: dict[object, object] = {}
        keys: dict[object, tuple[Node, Node]] = {}
        merges: list[Node] = []
        for key_node, value_node in node.value:
            if key_node.tag == _MERGE:
                merges.append(value_node)
                continue
            key = self.build(key_node, loc) if isinstance(key_node, ScalarNode) else None
            if not isinstance(key, str):
                self._flag(
                    key_node, loc, f"tên trường phải là chuỗi chữ (nhận được {_shown(key_node)})"
                )
                continue
            if key in keys:
                first = _line(keys[key][0])
                self._flag(key_node, (*loc, key), f"trường bị lặp lại (đã có ở dòng {first})")
                continue
            keys[key] = (key_node, value_node)
            result[key] = self.build(value_node, (*loc, key))
        for merge in merges:  # `<<: *anchor` — explicit keys win over merged ones
            sources = merge.value if isinstance(merge, SequenceNode) else [merge]
            for source in sources:
                built = self.build(source, loc)
                if not isinstance(source, MappingNode) or not isinstance(built, dict):
                    self._flag(source, loc, "`<<` chỉ gộp được một ánh xạ (mapping)")
                    continue
                for key, pair in self._keys.get(id(source), {}).items():
                    if key not in keys:
                        keys[key] = pair
                        result[key] = built[key]
        self._keys[id(node)] = keys
        return result

    def locate(self, root: Node, loc: Loc) -> tuple[str, int | None, Node | None]:
        """Path as written, line and node of ``loc``; a missing key gets its parent's line."""
        node: Node = root
        line = _line(root)
        walked: list[str | int] = []
        steps = _without_union_tags(loc)
        for index, seg in enumerate(steps):
            keys = self._keys.get(id(node)) if isinstance(node, MappingNode) else None
            if keys is not None:
                pair = keys.get(seg)
                if pair is None:
                    return format_loc([*walked, *steps[index:]]), line, None
                node, line = pair[1], _line(pair[0])
            elif (
                isinstance(node, SequenceNode)
                and isinstance(seg, int)
                and 0 <= seg < len(node.value)
            ):
                node = node.value[seg]
                line = _line(node)
            else:
                return format_loc([*walked, *steps[index:]]), line, None
            walked.append(seg)
        return format_loc(walked), line, node


def _without_union_tags(loc: Loc) -> Loc:
    kept: list[str | int] = []
    for index, seg in enumerate(loc):
        previous = loc[index - 1] if index else None
        if (
            isinstance(previous, str)
            and isinstance(seg, str)
            and seg in UNION_TAGS.get(previous, ())
        ):
            continue
        kept.append(seg)
    return tuple(kept)


def _line(node: Node) -> int:
    return int(node.start_mark.line) + 1


def _shown(node: Node) -> str:
    if isinstance(node, ScalarNode):
        return f'"{node.value}"' if node.tag == _STR else str(node.value)
    return "một danh sách" if isinstance(node, SequenceNode) else "một ánh xạ"


# --------------------------------------------------------------------------- messages


def _issue(message: str, line: int | None = None) -> CampaignFileIssue:
    return CampaignFileIssue("", line, message)


# libyaml's most common complaints, explained; the original wording follows in parentheses.
_YAML_PROBLEMS = (
    (
        "mapping values are not allowed",
        "không được có dấu “:” ở đây; giá trị chứa “: ” phải đặt trong ngoặc kép",
    ),
    ("tab character", "không được dùng phím tab để thụt lề, hãy dùng dấu cách"),
    ("cannot start any token", "có ký tự không được phép (ví dụ tab, @ hoặc ` ở đầu giá trị)"),
    ("did not find expected key", "thụt lề không đúng hoặc thiếu dấu “:”"),
    ("could not find expected ':'", "thiếu dấu “:” sau tên trường"),
    ("found unexpected end of stream", "chuỗi trong ngoặc kép chưa được đóng"),
    ("did not find expected '-'", "thụt lề của danh sách không đúng (thiếu dấu “-”)"),
    ("block sequence entries are not allowed", "không được có dấu “-” ở đây; kiểm tra thụt lề"),
    ("did not find expected ',' or ']'", "thiếu dấu “,” hoặc “]”"),
    ("did not find expected ',' or '}'", "thiếu dấu “,” hoặc “}”"),
    ("did not find expected node content", "thiếu giá trị"),
    ("unexpected end of stream", "tệp kết thúc khi chuỗi hoặc ngoặc chưa được đóng"),
    ("undefined alias", "alias “*” trỏ tới một anchor “&” chưa được định nghĩa"),
    ("expected a single document", "tệp chỉ được chứa một tài liệu YAML (bỏ dòng “---” thứ hai)"),
    ("unknown escape character", "ký tự thoát “\\” không hợp lệ trong chuỗi ngoặc kép"),
    ("characters are not allowed", "tệp chứa ký tự điều khiển không được phép"),
)


def _yaml_issue(exc: yaml.YAMLError) -> CampaignFileIssue:
    """In Vietnamese only, at the line where the mistake is: while scanning a key, a quoted
    string or a bracket, PyYAML notices the mistake lines later, at its problem mark; the
    context mark is where the unfinished key, string or bracket starts."""
    problem_mark = getattr(exc, "problem_mark", None)
    context_mark = getattr(exc, "context_mark", None)
    context = str(getattr(exc, "context", None) or "")
    starts_there = context.startswith("while scanning") or "flow" in context
    mark = (context_mark if starts_there else None) or problem_mark or context_mark
    line = int(mark.line) + 1 if mark is not None else None
    problem = str(getattr(exc, "problem", None) or str(exc).splitlines()[0])
    for needle, explained in _YAML_PROBLEMS:
        if needle in problem:
            return _issue(f"lỗi cú pháp YAML: {explained}", line)
    return _issue("lỗi cú pháp YAML: kiểm tra thụt lề, dấu “:” và dấu ngoặc ở dòng này", line)


def _ordered(issues: list[CampaignFileIssue]) -> list[CampaignFileIssue]:
    unique = list(dict.fromkeys(issues))
    return sorted(unique, key=lambda i: (i.line is None, i.line or 0))


def _validation_issue(tree: _Tree, root: Node, error: ErrorDetails) -> CampaignFileIssue | None:
    loc = tuple(error["loc"])
    kind = error["type"]
    ctx = error.get("ctx") or {}
    if kind in {"union_tag_invalid", "union_tag_not_found"}:
        field = str(ctx.get("discriminator", "type")).strip("'")
        if kind == "union_tag_invalid":
            loc = (*loc, field)
    path, line, node = tree.locate(root, loc)
    if node is not None and id(node) in tree.flagged:
        return None
    return CampaignFileIssue(path, line, _message(kind, ctx, error))


_LITERAL_RE = re.compile(r"'((?:[^'\\]|\\.)*)'")


def _expected(raw: object) -> str:
    text = str(raw)
    quoted = _LITERAL_RE.findall(text)
    parts = quoted or [p.strip() for p in re.split(r",| or ", text) if p.strip()]
    return ", ".join(parts)


def _message(kind: str, ctx: Mapping[str, Any], error: ErrorDetails) -> str:
    got = f" (nhận được {_show_input(error.get('input'))})"
    match kind:
        case "missing":
            return "thiếu trường bắt buộc"
        case "extra_forbidden":
            return "trường không có trong định dạng (kiểm tra lại tên trường)"
        case "literal_error":
            options = _expected(ctx.get("expected", ""))
            one_of = "một trong " if ", " in options else ""
            return f"phải là {one_of}{options}{got}"
        case "union_tag_invalid":
            tag = show_value(ctx.get("tag"))
            return f"phải là một trong {_expected(ctx.get('expected_tags', ''))} (nhận được {tag})"
        case "union_tag_not_found":
            return f"thiếu trường {str(ctx.get('discriminator', 'type')).strip(chr(39))}"
        case "string_type":
            return f"phải là chuỗi văn bản{got}"
        case "string_too_short":
            return "không được để trống"
        case "string_too_long":
            return f"quá dài (tối đa {ctx.get('max_length')} ký tự)"
        case "int_type" | "int_parsing" | "int_from_float":
            return f"phải là số nguyên{got}"
        case "float_type" | "float_parsing":
            return f"phải là số{got}"
        case "finite_number":
            return "phải là số hữu hạn"
        case "bool_type" | "bool_parsing":
            return f"phải là true hoặc false{got}"
        case "date_type" | "date_parsing" | "date_from_datetime_parsing":
            return f"phải là ngày dạng YYYY-MM-DD{got}"
        case "date_from_datetime_inexact":
            return f"phải là ngày dạng YYYY-MM-DD, không kèm giờ{got}"
        case "list_type" | "tuple_type" | "set_type":
            return f"phải là một danh sách{got}"
        case "dict_type" | "model_type" | "model_attributes_type":
            return f"phải là một ánh xạ (các cặp tên: giá trị){got}"
        case "greater_than_equal":
            return f"phải lớn hơn hoặc bằng {ctx.get('ge')}{got}"
        case "greater_than":
            return f"phải lớn hơn {ctx.get('gt')}{got}"
        case "less_than_equal":
            return f"phải nhỏ hơn hoặc bằng {ctx.get('le')}{got}"
        case "less_than":
            return f"phải nhỏ hơn {ctx.get('lt')}{got}"
        case "too_short":
            return f"phải có ít nhất {ctx.get('min_length')} phần tử"
        case "too_long":
            return f"có nhiều nhất {ctx.get('max_length')} phần tử"
        case "value_error" | "assertion_error":
            return str(ctx.get("error", error["msg"]))
        case "recursion_loop":
            return "tham chiếu vòng không được hỗ trợ"
    return f"giá trị không hợp lệ ({error['msg']})"


def _show_input(value: object) -> str:
    if isinstance(value, dict):
        return "một ánh xạ"
    if isinstance(value, list | tuple):
        return "một danh sách"
    if isinstance(value, datetime | date | str | int | float | bool) or value is None:
        return show_value(value)
    return type(value).__name__
