"""Progress of the long build steps with an ETA, behind one callback for the CLI (tqdm) and the app:

    progress(step, done, total, eta_s)   step: "ingest" | "embed" | "index"; eta_s: None until measurable

The ETA is the elapsed time per unit so far times the units left. Clauses are embedded longest first, so the
early rate is the slowest and the ETA errs long rather than short."""
from __future__ import annotations

import time
from typing import Callable

ProgressFn = Callable[[str, int, int, "float | None"], None]


class StepProgress:
    """A (done, total) callback for one step that reports (step, done, total, eta_s) to `callback`."""

    def __init__(self, callback: ProgressFn | None, step: str):
        self.callback, self.step = callback, step
        self.start: float | None = None

    def __call__(self, done: int, total: int) -> None:
        now = time.monotonic()
        if self.start is None:
            self.start = now
        eta = (now - self.start) / done * (total - done) if done > 0 and now > self.start else None
        if self.callback:
            self.callback(self.step, done, total, eta)
