"""Parse a plan's logical lines into header metadata, a clause tree, recipients and signature,
and attach task fields (own lines, inline sentences, group-level notes) to the clauses they govern."""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from . import tasks
from .lines import HEADER_RE, LEVEL, PLACE_DATE_RE, RECIPIENTS_RE, Line, is_upper, logical_lines

DOC_TYPES = ("KẾ HOẠCH", "CHƯƠNG TRÌNH", "QUYẾT ĐỊNH", "NGHỊ QUYẾT", "KẾT LUẬN", "CHỈ THỊ", "THÔNG BÁO",
             "BÁO CÁO", "ĐỀ ÁN", "CÔNG VĂN", "HƯỚNG DẪN", "CHƯƠNG TRÌNH HÀNH ĐỘNG")
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


def _split_header(lines: list[Line]) -> tuple[list[Line], str | None, str | None, int]:
    """Header = lines up to the title (which follows the document-type line)."""
    first_marker = next((i for i, l in enumerate(lines) if l.marker and l.marker[0] != "dash"), len(lines))
    type_idx = next((i for i, l in enumerate(lines[:first_marker]) if l.text.rstrip(":").strip() in DOC_TYPES), None)
    if type_idx is None:
        end = 0
        while end < first_marker and (HEADER_RE.match(lines[end].text) or PLACE_DATE_RE.match(lines[end].text)
                                      or is_upper(lines[end].text) or "bold" in lines[end].marks):
            end += 1
        return lines[:end], None, None, end
    end = type_idx + 1
    title_parts = []
    while end < first_marker:
        l = lines[end]
        if HEADER_RE.match(l.text) or PLACE_DATE_RE.match(l.text):
            end += 1
            continue
        if not title_parts or "bold" in l.marks or is_upper(l.text):
            if not re.fullmatch(r"-+", l.text):
                title_parts.append(l.text)
            end += 1
            continue
        break
    return lines[:end], " ".join(title_parts) or None, lines[type_idx].text.rstrip(":").strip(), end


def _split_footer(lines: list[Line]) -> tuple[list[Line], list[str], list[str]]:
    idx = next((i for i, l in enumerate(lines) if RECIPIENTS_RE.match(l.text)), None)
    if idx is None:
        return lines, [], []
    recipients, signature = [], []
    rest = RECIPIENTS_RE.sub("", lines[idx].text).strip()
    if rest:
        signature.append(rest)  # "Nơi nhận: T/M BAN THƯỜNG VỤ" shares a line with the signature block
    for l in lines[idx + 1:]:
        if l.marker and l.marker[0] == "dash":
            recipients.append(l.marker[2])
        elif recipients and not signature and (recipients[-1].endswith(",") or l.text[:1].islower()):
            recipients[-1] += " " + l.text
        elif recipients and not is_upper(l.text) and len(l.text.split()) > 5:
            recipients[-1] += " " + l.text
        else:
            signature.append(l.text)
    return lines[:idx], recipients, signature


def _nearest_task_owner(node: Node, skip=("dash",)) -> Node:
    """Labelled lines belong to the nearest enclosing unit that is not a dash bullet; closing notes
    to the nearest numbered/lettered unit (they close a group of bullets and "(1)" items)."""
    while node.kind in skip and node.parent is not None and node.parent.kind != "root":
        node = node.parent
    return node


_GROUPED = ("dash", "paren")


def parse(raw: str) -> Parsed:
    lines = logical_lines(raw)
    header, title, doc_type, body_start = _split_header(lines)
    body, recipients, signature = _split_footer(lines[body_start:])
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
