"""Parse a plan's logical lines into header metadata, a clause tree, recipients and signature,
and attach task fields (own lines, inline sentences, group-level notes) to the clauses they govern."""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from . import tasks
from .header import DOC_TYPES, split_footer, split_header
from .lines import LEVEL, Line, logical_lines

TRUNCATION_RE = re.compile(r"^\[\s*(\.\.\.|…)\s*\]$")


@dataclass
class Node:
    kind: str  # roman | number | letter | paren | dash | preamble
    label: str
    lines: list[Line] = field(default_factory=list)
    children: list["Node"] = field(default_factory=list)
    parent: "Node | None" = None
    fields: dict = field(default_factory=dict)  # kind -> {"value", "source", "from"}
    notes: list[str] = field(default_factory=list)  # group-level assignment lines governing this clause
    path: str = ""

    @property
    def level(self) -> int:
        return LEVEL.get(self.kind, -1)

    @property
    def text(self) -> str:
        return " ".join(l.text for l in self.lines).strip()

    def set_field(self, kind: str, value, source: str, origin: str, overwrite: bool = False) -> None:
        if value and (overwrite or kind not in self.fields):
            self.fields[kind] = {"value": value, "source": source, "from": origin}


@dataclass
class Parsed:
    header: list[Line]
    title: str | None
    doc_type: str | None
    clauses: list[Node]  # depth-first order
    recipients: list[str]
    signature: list[str]
    truncated: bool


def _nearest_task_owner(node: Node, skip=("dash",)) -> Node:
    """Labelled lines belong to the nearest enclosing unit that is not a dash bullet; closing notes
    to the nearest numbered/lettered unit (they close a group of bullets and "(1)" items)."""
    while node.kind in skip and node.parent is not None and node.parent.kind != "root":
        node = node.parent
    return node


_GROUPED = ("dash", "paren")


def parse(raw: str) -> Parsed:
    lines = logical_lines(raw)
    header, title, doc_type, body_start = split_header(lines)
    body, recipients, signature = split_footer(lines[body_start:])
    # "[...]" marks a cut; so does a body that stops mid-sentence with no recipients or signature.
    truncated = any(TRUNCATION_RE.match(l.text) for l in body) or bool(
        body and not recipients and not signature and not body[-1].text.endswith(tuple('.;:!?"')))
    body = [l for l in body if not TRUNCATION_RE.match(l.text)]

    root = Node("root", "")
    preamble = Node("preamble", "0", parent=root)
    current = root
    group: dict[int, list[Node]] = {}  # owner id -> dash bullets since its last note
    for line in body:
        fm = tasks.FIELD_LINE_RE.match(line.text)
        mk = line.marker
        if fm and current is not root:
            owner = _nearest_task_owner(current)
            kind = tasks.label_kind(fm.group("label"))
            value = fm.group("value").strip()
            if kind == "lead":
                lead, coord = tasks.split_lead(value)
                owner.set_field("lead", lead, "field_line", line.text, overwrite=True)
                owner.set_field("coordinating", coord, "field_line", line.text)
            elif kind in ("coordinating", "directing"):
                owner.set_field(kind, tasks.split_lead(value)[0] if kind == "directing" else value.strip(" ."),
                                "field_line", line.text, overwrite=True)
            else:
                owner.set_field("timeframe", value.strip(" ."), "field_line", line.text, overwrite=True)
            owner.lines.append(line)
            current = owner
            continue
        if "italic" in line.marks and current is not root and not mk:
            # A closing note governs the bullets written since the previous note (or its unit itself).
            owner = _nearest_task_owner(current, _GROUPED)
            targets = group.pop(id(owner), None) or [owner]
            if re.search(r"\bchủ trì\b", line.text):
                lead, coord = tasks.split_lead(re.sub(r"^Giao\s+", "", line.text))
            else:
                lead, coord = tasks.subject_before_verb(line.text), None
            when = tasks.timeframe_in(line.text, routine_ok=True)
            for t in targets:
                t.notes.append(line.text)
                t.set_field("lead", lead, "group_note", line.text)
                t.set_field("coordinating", coord, "group_note", line.text)
                t.set_field("timeframe", when, "group_note", line.text)
            current = owner
            continue
        if mk:
            kind, label, _ = mk
            node = Node(kind, label)
            parent = current
            while parent is not root and parent.level >= node.level:
                parent = parent.parent
            node.parent = parent
            parent.children.append(node)
            node.lines.append(line)
            if kind in _GROUPED:
                group.setdefault(id(_nearest_task_owner(node, _GROUPED)), []).append(node)
            current = node
            continue
        if current is root:
            preamble.lines.append(line)
        else:
            current.lines.append(line)

    if preamble.lines:
        root.children.insert(0, preamble)
    clauses: list[Node] = []
    _walk(root, "", clauses)
    for n in clauses:
        _own_fields(n)
    for n in clauses:
        _inherit(n)
    return Parsed(header, title, doc_type, clauses, recipients, signature, truncated)


def _walk(node: Node, prefix: str, out: list[Node]) -> None:
    seen: dict[str, int] = {}
    dash_no = 0
    for child in node.children:
        if child.kind == "dash":
            dash_no += 1
            seg = f"-{dash_no}"
        elif child.kind == "paren":
            seg = f"({child.label})"
        else:
            seg = child.label
        seen[seg] = seen.get(seg, 0) + 1
        if seen[seg] > 1:  # a numbering slip in the source; keep ids unique and stable
            seg = f"{seg}~{seen[seg]}"
        child.path = seg if not prefix else (f"{prefix}{seg}" if seg.startswith("-") else f"{prefix}.{seg}")
        out.append(child)
        _walk(child, child.path, out)


def _own_fields(n: Node) -> None:
    text = " ".join(l.text for l in n.lines if not tasks.FIELD_LINE_RE.match(l.text))
    inline = tasks.inline_assignment(text)
    n.set_field("lead", inline.get("lead"), "inline", text[:200])
    n.set_field("coordinating", inline.get("coordinating"), "inline", text[:200])
    n.set_field("timeframe", tasks.timeframe_in(text), "inline", text[:200])
    targets = tasks.targets_in(text)
    if targets:
        n.fields["targets"] = {"value": targets, "source": "inline", "from": text[:200]}


def _inherit(n: Node) -> None:
    """A field stated for a unit (a labelled line after its bullets) applies to its sub-clauses."""
    p = n.parent
    while p is not None and p.kind != "root":
        for k in ("lead", "coordinating", "timeframe", "directing"):
            if k in p.fields and k not in n.fields:
                f = p.fields[k]
                n.fields[k] = {"value": f["value"], "source": "inherited", "from": p.path}
        p = p.parent
