"""The engine the service answers from: loaded once at start-up, shared by every request thread, and replaced
(in the background, without stopping queries) when `policyqa build` publishes a new generation.

Requests keep the engine they started with, so a reload never changes the data under a running query. A reload
that fails (a build still publishing, a mismatching model) keeps the last good engine serving and is reported
by /health."""
from __future__ import annotations

import datetime as dt
import os
import threading
import time

from policyqa.config import Settings

CHECK_INTERVAL_S = 1.0  # how often a request may stat the published files (two stat calls: microseconds)


class LockedEmbedder:
    """The query encoder shared by request threads. Hugging Face fast tokenizers refuse concurrent use
    ("Already borrowed"), so encoding is serialised; retrieval and scoring around it run in parallel."""

    def __init__(self, inner):
        self._inner = inner
        self._lock = threading.Lock()

    def __getattr__(self, name):  # name, dim, fingerprint, path… of the wrapped embedder
        return getattr(self._inner, name)

    def encode_queries(self, texts):
        with self._lock:
            return self._inner.encode_queries(texts)

    def encode_passages(self, texts, progress=None):
        with self._lock:
            return self._inner.encode_passages(texts, progress)


def published_marker(settings: Settings) -> tuple:
    """What changes when a new generation is published: the index pointer and the documents file (their
    modification time, size and, for the small pointer, its content)."""
    out = []
    for p in (settings.index_dir / "CURRENT", settings.docs_path):
        try:
            st = os.stat(p)
            out.append((st.st_mtime_ns, st.st_size, st.st_ino))
        except FileNotFoundError:
            out.append(None)
    try:
        out.append((settings.index_dir / "CURRENT").read_text().strip())
    except FileNotFoundError:
        out.append(None)
    return tuple(out)


def _default_embedder(settings: Settings):
    # before an index has loaded (start-up warm-up; loads pick the kind from the backend's own manifest): the query
    # path of the published files index's kind (ONNX Runtime for an fp32 or int8 index, no torch), as the CLI uses. The service used torch here before: as fast for one query on an idle machine (15 vs 14 ms), 3-4x
    # slower at load average 11 (84-98 vs 22-27 ms; docs/notes/serve-fast.md)
    from index.embedder import embedder_for_index

    return embedder_for_index(settings.model_dir, settings.index_dir, settings.embedding)


class EngineHolder:
    def __init__(self, settings: Settings, embedder=None, check_interval: float = CHECK_INTERVAL_S):
        self.settings = settings
        self._embedder = LockedEmbedder(embedder) if embedder is not None else None
        self.check_interval = check_interval
        self._engine = None
        self._marker: tuple | None = None
        self._checked = 0.0
        self._reloading = threading.Lock()
        self.loaded_at: str | None = None
        self.last_error: str | None = None
        self.reloads = 0

    @property
    def embedder(self):
        if self._embedder is None:
            self._embedder = LockedEmbedder(_default_embedder(self.settings))
        return self._embedder

    def start(self) -> None:
        """Load model and index (failures are kept for /health and each query's error, not raised: the
        service starts and answers 503 with the reason until a good index is published)."""
        self._load()
        try:
            self.embedder.encode_queries(["khởi động"])  # first call initialises the model's kernels
        except Exception as e:  # noqa: BLE001 — a broken model is reported by /health
            self.last_error = f"model: {e}"

    def _load(self) -> bool:
        from policyqa.engine import Engine

        marker = published_marker(self.settings)
        try:
            # the first load picks the query path from the backend's own manifest (files index or database)
            eng = Engine.load(self.settings, embedder=self._embedder, wrap=LockedEmbedder)
        except (FileNotFoundError, ValueError, RuntimeError, OSError) as e:
            self.last_error = str(e)
            self._marker = marker  # do not retry the same broken state on every request
            return False
        self._engine, self._marker = eng, marker
        self._embedder = eng.embedder  # later generations are read with the same (wrapped) embedder
        self.loaded_at = dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")
        self.last_error = None
        self.reloads += 1
        return True

    def maybe_reload(self, wait: bool = False) -> None:
        """At most every `check_interval` seconds, compare the published marker with the loaded one; on a
        change, load the new generation in a background thread (or in this one with wait=True)."""
        now = time.monotonic()
        if not wait and now - self._checked < self.check_interval:
            return
        self._checked = now
        if published_marker(self.settings) == self._marker:
            return
        if not self._reloading.acquire(blocking=wait):
            return  # another thread is already loading it

        def run():
            try:
                self._load()
            finally:
                self._reloading.release()

        if wait:
            run()
        else:
            threading.Thread(target=run, name="policyqa-reload", daemon=True).start()

    def get(self):
        """The current engine, or raise the reason there is none (the service answers 503)."""
        self.maybe_reload(wait=self._engine is None)
        if self._engine is None:
            raise EngineUnavailable(self.last_error or "index not loaded")
        return self._engine

    @property
    def current(self):
        """The engine being served (None when no index could be loaded), without checking for a new one."""
        return self._engine

    def generation(self) -> str | None:
        eng = self._engine
        return eng.backend.generation() if eng is not None else None


class EngineUnavailable(RuntimeError):
    """No index can be served (none built yet, or it does not match the model): HTTP 503 with the reason."""
