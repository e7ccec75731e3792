"""``ProgbarLogger`` and ``Progbar``: Keras's live progress line, cheap enough for the hot path."""
from __future__ import annotations

import os
import sys
from time import perf_counter

from .callback import Callback

__all__ = ["Progbar", "ProgbarLogger"]

# Keys some loops put in logs that are bookkeeping, not metrics.
_HIDDEN = frozenset({"batch", "size"})


def _dynamic_display() -> bool:
    """Whether ``\\r`` can redraw the line (a terminal or a notebook)."""
    isatty = getattr(sys.stdout, "isatty", None)
    try:
        tty = bool(isatty and isatty())
    except ValueError:  # closed stream
        tty = False
    return tty or "ipykernel" in sys.modules or "PYCHARM_HOSTED" in os.environ


def _write(msg: str) -> None:
    out = sys.stdout  # looked up each time: pytest and notebooks swap it
    out.write(msg)
    out.flush()


def _format_step_time(t: float, unit: str) -> str:
    if t >= 1 or t == 0:
        return f" {t:.0f}s/{unit}"
    if t >= 1e-3:
        return f" {t * 1e3:.0f}ms/{unit}"
    return f" {t * 1e6:.0f}us/{unit}"


def _format_eta(eta: float) -> str:
    if eta > 3600:
        return "%d:%02d:%02d" % (eta // 3600, (eta % 3600) // 60, eta % 60)
    if eta > 60:
        return "%d:%02d" % (eta // 60, eta % 60)
    return "%ds" % eta


def _format_values(values) -> str:
    """`` - name: value`` for every log entry, sorted by name as Keras shows them."""
    if not values:
        return ""
    parts = []
    for k in sorted(values):
        if k in _HIDDEN:
            continue
        v = values[k]
        try:
            v = float(v)
        except (TypeError, ValueError):
            parts.append(f" - {k}: {v}")
            continue
        parts.append(f" - {k}: {v:.4f}" if abs(v) > 1e-3 else f" - {k}: {v:.4e}")
    return "".join(parts)


class Progbar:
    """A Keras-style progress line: ``count bar ETA time/step - metric: value ...``.

    ``update`` is cheap (a few attribute stores and one clock read); the line is
    redrawn at most every ``interval`` seconds and when ``finalize`` is set.

    Args:
        target: total number of steps, or None if unknown.
        width: number of bar characters.
        verbose: 1 live bar, 2 one line at ``finalize``, 0 silent.
        interval: minimum seconds between redraws; default 0.1 on a terminal or
            notebook, 10 when the output is a file or pipe (where each redraw
            is a new line).
        unit_name: the unit of ``target`` ("step").
        dynamic: force (True) or forbid (False) ``\\r`` redraws and colours;
            None detects a terminal or notebook.

    Example:
        >>> bar = Progbar(100)
        >>> for i in range(100):
        ...     bar.update(i + 1, {"loss": 0.5})
    """

    def __init__(self, target, width=20, verbose=1, interval=None, unit_name="step", dynamic=None):
        self.target = target
        self.width = width
        self.verbose = verbose
        self.unit_name = unit_name
        self.dynamic = _dynamic_display() if dynamic is None else bool(dynamic)
        if interval is None:
            interval = 0.1 if self.dynamic else 10.0
        self.interval = interval
        self._start = perf_counter()
        # A live bar shows the first step at once; a log file only every interval.
        self._last_update = 0.0 if self.dynamic else self._start
        self._first = None           # (time, step) of the first update: step 1 is often slow
        self._seen = 0
        self._values = None
        self._prev_width = 0

    def update(self, current, values=None, finalize=None):
        """Record progress ``current`` (steps done) and the latest ``values`` (a dict).

        Values are shown as given (Keras logs are already running means).
        ``finalize`` (default: ``current >= target``) draws the final line.
        """
        self._seen = current
        if values is not None:
            self._values = values
        now = perf_counter()
        if self._first is None:
            self._first = (now, current)
        if finalize is None:
            finalize = self.target is not None and current >= self.target
        if not finalize and (self.verbose != 1 or now - self._last_update < self.interval):
            return
        self._last_update = now
        self._draw(now, finalize)

    def add(self, n, values=None):
        """Advance by ``n`` steps."""
        self.update(self._seen + n, values)

    def _step_time(self, now) -> float:
        current = self._seen
        if not current:
            return 0.0
        t1, n1 = self._first
        if current > n1 and n1 >= 1:
            return (now - t1) / (current - n1)
        return (now - self._start) / current

    def _draw(self, now, finalize):
        current, target = self._seen, self.target
        step_time = self._step_time(now)
        values = _format_values(self._values)
        if self.verbose == 2:
            if not finalize:
                return
            count = f"{current:{len(str(target))}d}/{target}" if target else f"{current}"
            _write(f"{count} - {now - self._start:.0f}s -"
                   f"{_format_step_time(step_time, self.unit_name)}{values}\n")
            return
        if self.verbose != 1:
            return
        color = self.dynamic
        if target:
            count = f"{current:{len(str(target))}d}/{target}"
            done = max(0, min(self.width, int(self.width * current / target)))
            todo = self.width - done
            if color:
                bar = (f"\x1b[1m{count}\x1b[0m " + (f"\x1b[32m{'━' * done}\x1b[0m" if done else "")
                       + f"\x1b[37m{'━' * todo}\x1b[0m")
            else:
                bar = f"{count} {'━' * self.width}"
            plain = len(count) + 1 + self.width
        else:
            bar = f"{current:7d}/Unknown"
            plain = len(bar)
        if target and not finalize:
            t = _format_eta(step_time * (target - current))
        else:
            t = f"{now - self._start:.0f}s"
        info = (f" \x1b[1m{t}\x1b[0m" if color else f" {t}")
        info += _format_step_time(step_time, self.unit_name) + values
        plain += len(info) - (8 if color else 0)
        if self.dynamic:
            pad = " " * max(0, self._prev_width - plain)
            msg = "\r" + bar + info + pad + ("\n" if finalize else "")
        else:
            msg = bar + info + "\n"
        self._prev_width = plain
        _write(msg)


class ProgbarLogger(Callback):
    """Prints training progress to stdout (``fit`` adds it when ``verbose != 0``).

    ``verbose=1`` (from ``params``): an ``Epoch i/N`` line, then one live
    line per epoch, redrawn about ten times a second::

        Epoch 1/10
        938/938 ━━━━━━━━━━━━━━━━━━━━ 2s 2ms/step - accuracy: 0.9312 - loss: 0.2143 - val_accuracy: 0.9626 - val_loss: 0.1271

    While the epoch runs, the time field is the ETA. ``verbose=2``: only the
    final line of each epoch (``938/938 - 2s - 2ms/step - accuracy: ...``).
    ``verbose=0``: nothing. Outside ``fit``, ``evaluate`` and ``predict``
    get one bar each. When stdout is a file or pipe, no ``\\r`` redraws and no
    colours are used: the live line is printed at most every 10 seconds.

    Args:
        count_mode: ``"steps"`` (the only mode: Keras 3 counts batches).

    Example:
        >>> model.fit(x, y, epochs=10, verbose=1)   # adds ProgbarLogger()
    """

    def __init__(self, count_mode="steps"):
        super().__init__()
        if count_mode != "steps":
            raise ValueError(f"ProgbarLogger: count_mode={count_mode!r} is not supported; "
                             "progress is counted in steps (batches), as in Keras 3")
        self.count_mode = count_mode
        self.verbose = 1
        self.epochs = 1
        self.target = None
        self.progbar = None
        self._called_in_fit = False

    def set_params(self, params):
        super().set_params(params)
        verbose = params.get("verbose", 1)
        self.verbose = 1 if verbose == "auto" else int(verbose)
        self.epochs = params.get("epochs", 1) or 1
        self.target = params.get("steps")

    def _new_bar(self):
        self.progbar = Progbar(self.target, verbose=self.verbose) if self.verbose else None

    def _finalize(self, logs):
        bar = self.progbar
        if bar is None:
            return
        if bar.target is None:
            bar.target = bar._seen
        bar.update(bar.target, logs, finalize=True)
        self.progbar = None

    def on_train_begin(self, logs=None):
        self._called_in_fit = True

    def on_train_end(self, logs=None):
        self._called_in_fit = False

    def on_epoch_begin(self, epoch, logs=None):
        self._new_bar()
        if self.verbose and self.epochs > 1:
            _write(f"Epoch {epoch + 1}/{self.epochs}\n")

    def on_train_batch_end(self, batch, logs=None):
        bar = self.progbar
        if bar is not None:
            bar.update(batch + 1, logs, False)

    def on_epoch_end(self, epoch, logs=None):
        self._finalize(logs)

    def on_test_begin(self, logs=None):
        if not self._called_in_fit:
            self._new_bar()

    def on_test_batch_end(self, batch, logs=None):
        if not self._called_in_fit and self.progbar is not None:
            self.progbar.update(batch + 1, logs, False)

    def on_test_end(self, logs=None):
        if not self._called_in_fit:
            self._finalize(logs)

    def on_predict_begin(self, logs=None):
        self._new_bar()

    def on_predict_batch_end(self, batch, logs=None):
        if self.progbar is not None:
            self.progbar.update(batch + 1, None, False)

    def on_predict_end(self, logs=None):
        self._finalize(None)
