"""Evaluation report: Markdown + JSON + a bar chart, with per-query failures listed for inspection."""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from ingest import atomic

from .metrics import METRICS

LABELS = {"recall@1": "Recall@1", "recall@5": "Recall@5", "recall@10": "Recall@10", "mrr@10": "MRR@10",
          "ndcg@10": "nDCG@10", "recall@100": "Recall@100"}


@dataclass
class Report:
    dataset: str
    metrics: dict[str, dict[str, float]]  # mode -> metric -> mean
    per_query: dict[str, dict[str, dict[str, float]]]  # mode -> metric -> qid -> score
    significance: dict = field(default_factory=dict)
    failures: list[dict] = field(default_factory=list)
    answers: dict | None = None
    compare: dict | None = None
    align: dict | None = None
    by_type: dict = field(default_factory=dict)
    timing: dict = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    n_queries: int = 0
    command: str = ""
    date: str = ""
    files: dict = field(default_factory=dict)

    def summary(self) -> dict:
        return {"dataset": self.dataset, "date": self.date, "command": self.command, "queries": self.n_queries,
                "metrics": self.metrics, "by_type": self.by_type, "significance": self.significance,
                "answers": {k: v for k, v in (self.answers or {}).items() if k != "per_query"} if self.answers else None,
                "compare": {k: v for k, v in (self.compare or {}).items() if k != "per_query"} if self.compare else None,
                "align": {k: v for k, v in (self.align or {}).items() if k != "per_query"} if self.align else None,
                "timing": self.timing, "notes": self.notes, "files": self.files}

    @property
    def metric_names(self) -> list[str]:
        return list(next(iter(self.metrics.values()))) if self.metrics else METRICS

    def table(self) -> list[str]:
        names = self.metric_names
        lines = ["| mode | " + " | ".join(LABELS[m] for m in names) + " |", "|---|" + "---:|" * len(names)]
        for mode, m in self.metrics.items():
            lines.append(f"| {mode} | " + " | ".join(f"{m[k]:.3f}" for k in names) + " |")
        return lines

    def to_text(self) -> str:
        out = [f"{self.dataset}: {self.n_queries} queries ({self.date})", *self.table()]
        if self.answers:
            a = self.answers
            out.append(f"ask: answer accuracy {a['accuracy']:.3f} ({a['correct']}/{a['total']}), "
                       f"question-kind accuracy {a['kind_accuracy']:.3f}")
            for name, sp in (a.get("splits") or {}).items():
                out.append(f"ask [{name}]: answers {sp['accuracy']:.3f} ({sp['correct']}/{sp['total']}), kind "
                           f"{sp['kind_accuracy']:.3f}, unanswerable {sp['unanswerable_correct']}/{sp['unanswerable']} "
                           f"'Không tìm thấy', invented {sp['invented']}; by kind: "
                           + ", ".join(f"{k} {v['correct']}/{v['total']}" for k, v in sp["by_kind"].items()))
        if self.compare:
            out.append(f"compare: present/absent decisions correct {self.compare['accuracy']:.3f} "
                       f"({self.compare['correct']}/{self.compare['total']})")
        if self.align:
            out.append(f"align: clause pairs judged correctly {self.align['accuracy']:.3f} "
                       f"({self.align['correct']}/{self.align['total']})")
        for n in self.notes:
            out.append(f"note: {n}")
        if self.files:
            out.append("report: " + ", ".join(self.files.values()))
        return "\n".join(out)

    def to_markdown(self) -> str:
        md = [f"# Retrieval evaluation — {self.dataset}", "", f"- date: {self.date}", f"- command: `{self.command}`",
              f"- queries with relevance labels: {self.n_queries}", "", "## Metrics", "", *self.table(), ""]
        if self.by_type:
            md += ["## By query type (hybrid)", "", "| type | n | Recall@5 | MRR@10 |", "|---|---:|---:|---:|"]
            for t, v in self.by_type.items():
                md.append(f"| {t} | {v['n']} | {v['recall@5']:.3f} | {v['mrr@10']:.3f} |")
            md.append("")
        if self.significance:
            md += ["## Significance (paired t-test p-values, ranx)", ""]
            done = set()
            for a, comp in self.significance.items():
                for b, pv in comp.items():
                    if (b, a) in done:
                        continue  # the test is symmetric
                    done.add((a, b))
                    md.append(f"- {a} vs {b}: " + ", ".join(f"{LABELS[m]} p={v:.3g}" if v is not None else f"{LABELS[m]} p=n/a"
                                                              for m, v in pv.items()))
            md.append("")
        if self.timing:
            md += ["## Query latency (this machine)", ""]
            md += [f"- {k}: {v}" for k, v in self.timing.items()]
            md.append("")
        if self.answers:
            a = self.answers
            md += ["## Answers (`ask`)", "", f"- answer accuracy: {a['accuracy']:.3f} ({a['correct']}/{a['total']})",
                   f"- question-kind accuracy: {a['kind_accuracy']:.3f}", ""]
            for name, sp in (a.get("splits") or {}).items():
                md += [f"### {name} split: answers {sp['accuracy']:.3f} ({sp['correct']}/{sp['total']}), question kind "
                       f"{sp['kind_accuracy']:.3f}, unanswerable answered \"Không tìm thấy\" {sp['unanswerable_correct']}/"
                       f"{sp['unanswerable']}, answers with an invented figure or date: {sp['invented']}", "",
                       "| kind | n | correct | answer accuracy | kind accuracy |", "|---|---:|---:|---:|---:|"]
                md += [f"| {k} | {v['total']} | {v['correct']} | {v['accuracy']:.3f} | {v['kind_accuracy']:.3f} |"
                       for k, v in sp["by_kind"].items()]
                md.append("")
            wrong = [p for p in a["per_query"] if not p["correct"]]
            if wrong:
                md += ["| id | split | question | why |", "|---|---|---|---|"]
                md += [f"| {p['id']} | {p.get('split', '')} | {p['query']} | {p['why']} |" for p in wrong]
                md.append("")
        if self.compare:
            c = self.compare
            md += ["## Compare (present/absent per document)", "",
                   f"- decisions correct: {c['accuracy']:.3f} ({c['correct']}/{c['total']})",
                   f"- similarity of labelled matches: min {c['present_min']:.3f}; of documents labelled as lacking "
                   f"the task: max {c['absent_max']:.3f}", ""]
            wrong = [p for p in c["per_query"] if p["errors"]]
            if wrong:
                md += [f"- {p['id']} {p['query']}: " + "; ".join(p["errors"]) for p in wrong]
                md.append("")
        if self.align:
            a = self.align
            md += ["## Clause alignment (labelled pairs)", "",
                   f"- pairs judged correctly: {a['accuracy']:.3f} ({a['correct']}/{a['total']})", ""]
            md += [f"- wrong: {p['a_doc']} {p['a_path']} ~ {p['b_doc']} {p['b_path']} (same task: {p['same_task']}, "
                   f"overlap {p['overlap']})" for p in a["per_query"] if not p["correct"]]
            md.append("")
        if self.failures:
            md += ["## Failures (hybrid: a relevant clause not in the top 5)", "",
                   "| id | type | query | first relevant rank | top 3 retrieved |", "|---|---|---|---:|---|"]
            for f in self.failures:
                md.append(f"| {f['id']} | {f['type']} | {f['query']} | {f['first_rank'] or '>100'} | "
                          f"{', '.join(f['top3'])} |")
            md.append("")
        md += [f"- note: {n}" for n in self.notes]
        return "\n".join(md) + "\n"

    def write(self, out: Path) -> None:
        out = Path(out)
        out.mkdir(parents=True, exist_ok=True)
        self.files = {"markdown": str(out / "report.md"), "json": str(out / "report.json"),
                      "chart": str(out / "metrics.png")}
        atomic.write_text(out / "report.md", self.to_markdown())
        full = {**self.summary(), "per_query": self.per_query, "failures": self.failures,
                "answers_per_query": (self.answers or {}).get("per_query"),
                "compare_per_query": (self.compare or {}).get("per_query"),
                "align_per_query": (self.align or {}).get("per_query")}
        atomic.write_text(out / "report.json", json.dumps(full, ensure_ascii=False, indent=1))
        self._chart(out / "metrics.png")

    def _chart(self, path: Path) -> None:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
        import numpy as np

        modes = list(self.metrics)
        names = self.metric_names
        x = np.arange(len(names))
        w = 0.8 / max(1, len(modes))
        fig, ax = plt.subplots(figsize=(8, 4), dpi=110)
        for i, mode in enumerate(modes):
            vals = [self.metrics[mode][m] for m in names]
            bars = ax.bar(x + i * w - 0.4 + w / 2, vals, w, label=mode)
            ax.bar_label(bars, fmt="%.2f", fontsize=7)
        ax.set_xticks(x, [LABELS[m] for m in names])
        ax.set_ylim(0, 1.08)
        ax.set_title(f"{self.dataset} — {self.n_queries} queries")
        ax.legend(loc="lower right")
        fig.tight_layout()
        with atomic.atomic_path(path) as tmp:
            fig.savefig(tmp, format="png")
        plt.close(fig)
