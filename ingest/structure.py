"""Parse a document's logical lines into header metadata, a clause tree, recipients and signature,
and attach task fields (own lines, inline sentences, group-level notes, table columns) to the clauses they govern.

One clause tree for every type (see layout.py for the numbering and docs/notes/parse-layout.md for the paths):
normative units (Phần > Chương > Mục > Tiểu mục > Điều > khoản > điểm > "-"), plan units ("A." > "I." > "1." >
"1.1." > "a)" > "(1)" > "-"), appendices, table rows, and attached documents as prefixed parts ("KH:II.1")."""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from . import layout, parts, quotes, tables, tasks
from .header import DOC_TYPES, split_footer, split_header  # noqa: F401  (DOC_TYPES re-exported)
from .lines import RECIPIENTS_RE, Line, logical_lines

TRUNCATION_RE = re.compile(r"^\[\s*(\.\.\.|…)\s*\]$")
# Units numbered across the whole document (or attached part): their path does not repeat their parents'.
_ABSOLUTE = {"part": "P", "chapter": "C", "article": "D"}
_HEADING_KINDS = {"part", "chapter", "section", "subsection", "article", "appendix", "form"}
_NUMBER_CONTINUES = re.compile(r"(?:\bkhoản|\btại|\bsố|\bĐiều|\bđiểm)\s*$")


@dataclass
class Node:
    kind: str  # see layout.RANK; plus root | preamble | attachment
    label: str
    lines: list[Line] = field(default_factory=list)
    children: list["Node"] = field(default_factory=list)
    parent: "Node | None" = None
    fields: dict = field(default_factory=dict)  # kind -> {"value", "source", "from"}
    notes: list[str] = field(default_factory=list)  # group-level assignment lines governing this clause
    path: str = ""
    citation_path: str = ""  # the unit as officials cite it: "điểm a khoản 2 Điều 5", "mục II.2.b"
    part: "parts.Part | None" = None  # for kind "attachment"

    @property
    def level(self) -> float:
        r = layout.RANK.get(self.kind, -1)
        if self.kind in ("number", "clause") and "." in self.label:  # "1.1." sits under "1."
            r += 0.1 * self.label.count(".")
        return r

    @property
    def text(self) -> str:
        return " ".join(l.text for l in self.lines).strip()

    def set_field(self, kind: str, value, source: str, origin: str, overwrite: bool = False) -> None:
        if value and (overwrite or kind not in self.fields):
            self.fields[kind] = {"value": value, "source": source, "from": origin}

    def ancestors(self):
        p = self.parent
        while p is not None and p.kind not in ("root",):
            yield p
            if p.kind == "attachment":
                return
            p = p.parent


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
    while node.kind in skip and node.parent is not None and node.parent.kind not in ("root", "attachment"):
        node = node.parent
    return node


_GROUPED = ("dash", "paren")


class _Builder:
    """Builds the tree of one part (the document's own text or an attached document) line by line."""

    def __init__(self, top: Node, raw: str):
        self.top = top
        self.raw = raw
        self.current = top
        self.preamble = Node("preamble", "0", parent=top)
        self.group: dict[int, list[Node]] = {}  # owner id -> dash bullets since its last note
        self.prev: Line | None = None

    def feed(self, body: list[Line]) -> None:
        inside = quotes.inside_flags(body, self.raw)
        i = 0
        while i < len(body):
            if tables.is_row(body[i].text):
                j = i
                while j < len(body) and tables.is_row(body[j].text):
                    j += 1
                self._table(body[i:j])
                i = j
                continue
            self._line(body[i], quoted=inside[i])
            self.prev = body[i]
            i += 1

    def finish(self) -> None:
        if self.preamble.lines:
            self.top.children.insert(0, self.preamble)

    def _marker(self, line: Line) -> tuple[str, str, str] | None:
        mk = line.marker
        if not mk:
            return None
        kind, label, rest = mk
        prev = self.prev.text if self.prev is not None else ""
        if kind in _HEADING_KINDS and prev and layout.continues(prev) and not self._next_article(kind, label, rest):
            return None  # "… quy định tại / Điều 5. …": a wrapped reference, not a heading
        if kind == "section" and not any(a.kind in ("chapter", "part") for a in self._open()) and not rest:
            return None
        if kind in ("number", "decimal") and _NUMBER_CONTINUES.search(prev):
            return None
        if kind == "decimal":
            # "1.1." is a sub-item; "1.5 tỷ đồng" at the start of a wrapped line is not
            head = label.rsplit(".", 1)[0]
            if not (line.text[len(label):len(label) + 1] == "." or any(
                    a.kind in ("number", "clause") and a.label == head for a in self._open())):
                # "3.12 Ngoài …" in a consolidated text: khoản 3 with its footnote reference 12
                first = label.split(".")[0]
                prev_no = next((a.label for a in self._open() if a.kind in ("number", "clause")), None)
                if prev_no and prev_no.isdigit() and int(first) == int(prev_no) + 1:
                    return "number", first, rest
                return None
            kind = "number"
        return kind, label, rest

    def _next_article(self, kind: str, label: str, rest: str) -> bool:
        """ "Điều 50. Điều khoản chuyển tiếp" right after Điều 49: a heading even after a line cut mid-sentence."""
        if kind != "article" or not rest[:1].isupper() or not label.isdigit():
            return False
        n = self.current
        while n is not None and n is not self.top and n.kind != "article":
            n = n.parent
        return n is not None and n.kind == "article" and n.label.isdigit() and int(label) == int(n.label) + 1

    def _open(self):
        n = self.current
        while n is not None and n is not self.top:
            yield n
            n = n.parent

    def _line(self, line: Line, quoted: bool) -> None:
        top, current = self.top, self.current
        fm = tasks.FIELD_LINE_RE.match(line.text)
        mk = None if quoted else self._marker(line)
        if fm and current is not top and not quoted:
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
            self.current = owner
            return
        if "italic" in line.marks and current is not top and not mk and not quoted:
            # A closing note governs the bullets written since the previous note (or its unit itself).
            owner = _nearest_task_owner(current, _GROUPED)
            targets = self.group.pop(id(owner), None) or [owner]
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
            self.current = owner
            return
        if mk:
            kind, label, _ = mk
            node = self._attach(Node(kind, label))
            node.lines.append(line)
            if node.kind in _GROUPED:
                self.group.setdefault(id(_nearest_task_owner(node, _GROUPED)), []).append(node)
            self.current = node
            return
        if current is top:
            self.preamble.lines.append(line)
        else:
            current.lines.append(line)

    def _attach(self, node: Node) -> Node:
        parent = self.current
        while parent is not self.top and parent.level >= node.level:
            parent = parent.parent
        # Inside an Điều, "1." is a khoản and "a)" an điểm.
        if node.kind in ("number", "letter"):
            p = parent
            while p is not self.top and p.kind != "article":
                p = p.parent
            if p is not self.top:
                node.kind = "clause" if node.kind == "number" else "point"
        node.parent = parent
        parent.children.append(node)
        return node

    def _table(self, rows: list[Line]) -> None:
        """One clause per row; an assignment table's columns become the row's task fields."""
        table = tables.read([l.text for l in rows])
        host = self.current
        while host is not self.top and host.kind in ("table_row", "table_group", "dash", "paren"):
            host = host.parent
        data = rows[len(rows) - len(table.rows):] if table.header else rows
        header_lines = rows[:len(rows) - len(table.rows)] if table.header else []
        if header_lines:
            host_lines = host.lines if host is not self.top else self.preamble.lines
            host_lines.extend(Line(" | ".join(c for c in table.header if c), l.start, l.end) for l in header_lines[:1])
        group = None
        for line, row in zip(data, table.rows):
            if not any(c.strip() for c in row):
                continue
            if table.header and tables.is_group_row(table, row):
                label = tables.stt(row) or ""
                group = Node("table_group", label.rstrip("."), parent=host)
                group.lines.append(Line(tables.render(table, row), line.start, line.end))
                host.children.append(group)
                continue
            parent = group or host
            node = Node("table_row", (tables.stt(row) or "").rstrip("."), parent=parent)
            node.lines.append(Line(tables.render(table, row), line.start, line.end))
            parent.children.append(node)
            if table.is_assignment:
                origin = node.text[:200]
                lead = table.value(row, "lead")
                if lead:
                    lead_name, coord_in_lead = tasks.split_lead(lead)
                    node.set_field("lead", lead_name or lead.strip(" ."), "table", origin)
                    node.set_field("coordinating", coord_in_lead, "table", origin)
                for role in ("coordinating", "timeframe", "product"):
                    v = table.value(row, role)
                    if v:
                        node.set_field(role, v.strip(" ."), "table", origin, overwrite=True)
        self.current = host


def parse(raw: str) -> Parsed:
    lines = logical_lines(raw)
    segments = parts.split(lines)
    main = segments[0].lines
    header, title, doc_type, body_start = split_header(main)
    # The recipients and signature close the document's own text: an appendix or form after them (with its
    # own "Nơi nhận") is body.
    body, recipients, signature = _body_and_footer(main[body_start:])
    # "[...]" marks a cut; so does a body that stops mid-sentence with no recipients or signature.
    truncated = any(TRUNCATION_RE.match(l.text) for l in body) or bool(
        body and not recipients and not signature and len(segments) == 1
        and not body[-1].text.endswith(tuple('.;:!?"')))
    body = [l for l in body if not TRUNCATION_RE.match(l.text)]

    root = Node("root", "")
    builder = _Builder(root, raw)
    builder.feed(body)
    for seg in segments[1:]:
        if seg.kind == "appendix":
            # an appendix with its own "(Kèm theo …)" line belongs to the part it follows
            builder.feed(seg.lines[seg.title_idx:])
            continue
        builder.finish()
        att = Node("attachment", seg.prefix, parent=root, part=seg)
        att.lines.extend(seg.lines[seg.title_idx:seg.header_end])
        root.children.append(att)
        att_body, _, _ = _body_and_footer(seg.lines[seg.header_end:])
        builder = _Builder(att, raw)
        builder.feed([l for l in att_body if not TRUNCATION_RE.match(l.text)])
    builder.finish()

    clauses: list[Node] = []
    _walk(root, clauses, set())
    for n in clauses:
        _own_fields(n)
    for n in clauses:
        _inherit(n)
    return Parsed(header, title, doc_type, clauses, recipients, signature, truncated)


def _body_and_footer(lines: list[Line]) -> tuple[list[Line], list[str], list[str]]:
    """Body, recipients and signature of one part. The recipients and signature close the part's own text: an
    appendix or form after them (with its own "Nơi nhận") is body. With no "Nơi nhận" (gazette and web copies
    drop it), the signature block still closes the text."""
    cut = next((i for i, l in enumerate(lines) if i > 0 and l.marker and l.marker[0] in ("appendix", "form")),
               len(lines))
    # a compilation (codified law) goes on with the next document's articles after a signature
    rec = next((i for i, l in enumerate(lines) if RECIPIENTS_RE.match(l.text)), None)
    if rec is not None:
        cut = min(cut, next((i for i in range(rec + 1, len(lines)) if lines[i].marker
                             and lines[i].marker[0] in ("article", "chapter", "part")), cut))
    body, recipients, signature = split_footer(lines[:cut])
    if not recipients and not signature:
        s = parts.trailing_signature(body)
        body, signature = body[:s], [l.text for l in body[s:]]
    return body + lines[cut:], recipients, signature


def _segment(child: Node, dash_no: int) -> str:
    k = child.kind
    if k == "dash":
        return f"-{dash_no}"
    if k == "paren":
        return f"({child.label})"
    if k in _ABSOLUTE:
        # a codified article number "5.2.LQ.9" keeps its parts, joined by "_" (a dot separates path segments)
        return _ABSOLUTE[k] + (layout.ordinal(child.label) if k != "article" else child.label.replace(".", "_").replace("Đ", "D"))
    if k == "section":
        return "M" + layout.ordinal(child.label)
    if k == "subsection":
        return "TM" + layout.ordinal(child.label)
    if k == "appendix":
        return "PL" + (layout.ordinal(child.label) if child.label else "")
    if k == "form":
        return "MS" + re.sub(r"[^\w]+", "_", child.label).strip("_")
    if k in ("number", "clause") and "." in child.label:
        # "2.1.3." under "2.1." adds "3"; a decimal with no numbered parent keeps its whole number
        head, _, last = child.label.rpartition(".")
        p = child.parent
        return last if p is not None and p.kind in ("number", "clause") and p.label == head else child.label
    if k in ("table_row", "table_group") and not child.label:
        return "r"
    return child.label


def _walk(node: Node, out: list[Node], used: set[str]) -> None:
    dash_no = 0
    part_prefix = _part_prefix(node)
    for child in node.children:
        if child.kind == "dash":
            dash_no += 1
        seg = _segment(child, dash_no)
        if child.kind == "attachment":
            path = child.label
        elif child.kind in _ABSOLUTE and not any(a.kind in ("form", "appendix") for a in child.ancestors()):
            path = part_prefix + seg  # an appendix's or a form's own "Điều 1." stays under it
        elif node.kind == "root":
            path = seg
        elif node.kind == "attachment":
            path = f"{node.path}:{seg}"
        else:
            path = f"{node.path}{seg}" if seg.startswith("-") else f"{node.path}.{seg}"
        if path in used or seg == "r":  # a numbering slip in the source; keep ids unique and stable
            k = 2 if seg != "r" else 1
            base = path
            while (path := f"{base}~{k}" if seg != "r" else f"{base}{k}") in used:
                k += 1
        used.add(path)
        child.path = path
        child.dash_no = dash_no  # type: ignore[attr-defined]
        child.citation_path = _citation_path(child)
        out.append(child)
        _walk(child, out, used)


def _part_prefix(node: Node) -> str:
    while node is not None and node.kind not in ("root", "attachment"):
        node = node.parent
    return f"{node.label}:" if node is not None and node.kind == "attachment" else ""


def _attachment_of(node: Node) -> Node | None:
    n = node
    while n is not None and n.kind != "root":
        if n.kind == "attachment":
            return n
        n = n.parent
    return None


_NAMED = {"article", "form", "chapter", "section", "subsection", "part", "appendix", "root", "attachment"}


def _unit(n: Node) -> str:
    """The unit without the attached part's name."""
    k = n.kind
    up = n.parent
    up_unit = _unit(up) if up is not None and up.kind not in ("root", "attachment") else ""

    def join(own: str) -> str:
        return f"{own} {up_unit}".strip()

    if k == "preamble":
        return "phần mở đầu"
    inner = any(a.kind in ("form", "appendix") for a in n.ancestors())  # numbered within an appendix or form
    if k == "article":
        return join(f"Điều {n.label}") if inner else f"Điều {n.label}"
    if k == "chapter":
        return join(f"Chương {n.label}") if inner else f"Chương {n.label}"
    if k == "part":
        return join(f"Phần {n.label}") if inner else f"Phần {n.label}"
    if k == "section":
        return join(f"Mục {n.label}")
    if k == "subsection":
        return join(f"Tiểu mục {n.label}")
    if k == "appendix":
        return f"Phụ lục {n.label}".strip()
    if k == "form":
        return join(f"Mẫu số {n.label}")
    if k == "clause":
        return join(f"khoản {n.label}")
    if k == "point":
        return join(f"điểm {n.label}")
    if k == "table_row":
        return join(f"dòng {n.label or n.path.rsplit('.r', 1)[-1].lstrip('r')}")
    if k == "table_group":
        return join(f"nhóm {n.label}" if n.label else "nhóm")
    if any(a.kind == "article" for a in n.ancestors()):
        if k == "dash":
            return join(f"gạch đầu dòng thứ {getattr(n, 'dash_no', 1)}")
        return join(f"ý {_segment(n, getattr(n, 'dash_no', 1))}")
    # plan numbering: "mục II.2.b" relative to the nearest named unit (Phụ lục, Điều, …) above it
    anchor = n.parent
    while anchor is not None and anchor.kind not in _NAMED:
        anchor = anchor.parent
    rel = n.path
    if anchor is not None and anchor.kind not in ("root",) and anchor.path:
        sep = ":" if anchor.kind == "attachment" else "."
        if rel.startswith(anchor.path + sep):
            rel = rel[len(anchor.path) + 1:]
        elif rel.startswith(anchor.path):
            rel = rel[len(anchor.path):]
    anchor_unit = _unit(anchor) if anchor is not None and anchor.kind not in ("root", "attachment") else ""
    return f"mục {rel} {anchor_unit}".strip()


def _citation_path(n: Node) -> str:
    att = _attachment_of(n)
    if n.kind == "attachment":
        return f"{n.part.name} ban hành kèm theo" if n.part else "văn bản kèm theo"
    unit = _unit(n)
    return f"{unit} {att.part.name} ban hành kèm theo" if att is not None and att.part else unit


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
    while p is not None and p.kind not in ("root", "attachment"):
        for k in ("lead", "coordinating", "timeframe", "directing"):
            if k in p.fields and k not in n.fields:
                f = p.fields[k]
                n.fields[k] = {"value": f["value"], "source": "inherited", "from": p.path}
        p = p.parent
