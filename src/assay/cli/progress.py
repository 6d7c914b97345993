"""Live progress of a run: a rich bar on a terminal, a plain line every few seconds in CI logs."""

from __future__ import annotations

import time
from collections.abc import Callable
from types import TracebackType

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    ProgressColumn,
    Task,
    TaskID,
    TextColumn,
    TimeRemainingColumn,
)
from rich.text import Text

LOG_EVERY_S = 5.0


def duration(seconds: float) -> str:
    """A short human duration: `12s`, `3m40s`, `1h02m03s`."""
    whole = max(0, round(seconds))
    hours, rest = divmod(whole, 3600)
    minutes, secs = divmod(rest, 60)
    if hours:
        return f"{hours}h{minutes:02d}m{secs:02d}s"
    return f"{minutes}m{secs:02d}s" if minutes else f"{secs}s"


class _RateColumn(ProgressColumn):
    """Cells per second, as rich estimates it from recent updates."""

    def render(self, task: Task) -> Text:
        speed = task.finished_speed or task.speed
        return Text("" if speed is None else f"{speed:.1f} cells/s", style="cyan")


class RunProgress:
    """Shows a run's progress; the engine calls `update` as cells finish.

    On a terminal it draws a rich progress bar. Otherwise (CI logs, pipes) it prints one plain
    line at most every `log_every_s` seconds and a final line when the block ends.
    `already_done` counts cells finished before this process started (a resumed run), so the
    rate and ETA reflect only this process's work. With `enabled=False` it shows nothing.
    """

    def __init__(
        self,
        console: Console,
        *,
        total: int = 0,
        already_done: int = 0,
        log_every_s: float = LOG_EVERY_S,
        clock: Callable[[], float] = time.monotonic,
        live: bool | None = None,
        enabled: bool = True,
    ) -> None:
        self._console = console
        self._enabled = enabled
        self._clock = clock
        self._log_every_s = log_every_s
        self._live = console.is_terminal and not console.is_dumb_terminal if live is None else live
        self._baseline = already_done
        self._state = (already_done, 0, total, 0.0)
        self._started = 0.0
        self._last_line = 0.0
        self._progress: Progress | None = None
        self._task = TaskID(0)

    def __enter__(self) -> RunProgress:
        self._started = self._last_line = self._clock()
        if self._enabled and self._live:
            self._progress = Progress(
                TextColumn("[bold]Running"),
                BarColumn(),
                MofNCompleteColumn(),
                TextColumn("[red]{task.fields[failed]} failed"),
                _RateColumn(),
                TimeRemainingColumn(),
                TextColumn("${task.fields[cost]:.4f}"),
                console=self._console,
                get_time=self._clock,
            )
            done, failed, total, cost = self._state
            self._task = self._progress.add_task(
                "run", total=total or None, completed=done, failed=failed, cost=cost
            )
            self._progress.start()
        return self

    def update(self, done: int, failed: int, total: int, cost: float) -> None:
        """Record the latest counts; cheap enough to call for every finished cell."""
        state = (done, failed, total, cost)
        if state == self._state or not self._enabled:
            return
        self._state = state
        if self._progress is not None:
            self._progress.update(
                self._task, completed=done, total=total or None, failed=failed, cost=cost
            )
            return
        now = self._clock()
        if now - self._last_line >= self._log_every_s:
            self._last_line = now
            self._print(self._line("progress", now))

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if self._progress is not None:
            self._progress.stop()
            return
        if not self._enabled:
            return
        done, _, total, _ = self._state
        word = "finished" if exc_type is None and done >= total else "stopped"
        self._print(self._line(word, self._clock()))

    def _line(self, word: str, now: float) -> str:
        done, failed, total, cost = self._state
        elapsed = max(now - self._started, 0.0)
        rate = (done - self._baseline) / elapsed if elapsed > 0 else 0.0
        parts = [f"{word}: {done}/{total} cells" + (f" ({done * 100 // total}%)" if total else "")]
        parts.append(f"{failed} failed")
        parts.append(f"{rate:.1f} cells/s")
        if word == "progress":
            if rate > 0 and total > done:
                parts.append(f"ETA {duration((total - done) / rate)}")
        else:
            parts.append(f"{duration(elapsed)} elapsed")
        parts.append(f"cost ${cost:.4f}")
        return ", ".join(parts)

    def _print(self, line: str) -> None:
        self._console.print(line, markup=False, highlight=False, soft_wrap=True)
