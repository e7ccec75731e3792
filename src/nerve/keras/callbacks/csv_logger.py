"""``CSVLogger``: one CSV row per epoch."""
from __future__ import annotations

import collections.abc
import csv
import os

from ..._backend import np

from .callback import Callback

__all__ = ["CSVLogger"]


def _cell(v):
    if isinstance(v, str):
        return v
    if isinstance(v, np.ndarray) and v.ndim == 0:
        return v.item()
    if isinstance(v, collections.abc.Iterable):
        return f"[{', '.join(map(str, v))}]"
    return v


class CSVLogger(Callback):
    """Stream the epoch logs to a CSV file: columns ``epoch`` (from 0) then the sorted log keys.

    As in Keras, the columns are fixed by the first epoch; if it has no
    ``val_`` key, ``val_<key>`` columns are added for every key (filled with
    ``NA`` while missing), so a later validation pass still fits the header.
    The file is flushed after every row and closed at the end of training.

    Args:
        filename: the CSV file.
        separator: the field delimiter.
        append: add to an existing file (its header is not repeated) instead
            of overwriting it.

    Example:
        >>> model.fit(x, y, epochs=10, callbacks=[CSVLogger("training.csv")])
    """

    def __init__(self, filename, separator=",", append=False):
        super().__init__()
        self.filename = os.fspath(filename)
        self.sep = separator
        self.append = append
        self.writer = None
        self.keys = None
        self.append_header = True
        self.csv_file = None

    def on_train_begin(self, logs=None):
        if self.append:
            if os.path.exists(self.filename):
                with open(self.filename, encoding="utf-8") as f:
                    self.append_header = not bool(len(f.readline()))
            mode = "a"
        else:
            self.append_header = True
            mode = "w"
        if self.csv_file is not None and not self.csv_file.closed:
            self.csv_file.close()
        try:
            self.csv_file = open(self.filename, mode, newline="", encoding="utf-8")  # noqa: SIM115
        except OSError as e:
            why = e.strerror or str(e)
            folder = os.path.dirname(self.filename)
            if folder and not os.path.isdir(folder):
                why = f"the folder {folder!r} does not exist" if not os.path.exists(folder) else \
                    f"{folder!r} is not a folder"
            raise type(e)(f"CSVLogger cannot open {self.filename!r} for writing: {why}") from None
        self.writer = None
        self.keys = None

    def on_epoch_end(self, epoch, logs=None):
        logs = logs or {}
        if self.keys is None:
            self.keys = sorted(logs)
            if self.keys and not any(k.startswith("val_") for k in self.keys):
                self.keys.extend("val_" + k for k in list(self.keys))
        if self.writer is None:
            self.writer = csv.DictWriter(self.csv_file, fieldnames=["epoch"] + self.keys,
                                         delimiter=self.sep, lineterminator="\n",
                                         extrasaction="ignore")
            if self.append_header:
                self.writer.writeheader()
        row = {"epoch": epoch}
        row.update((k, _cell(logs.get(k, "NA"))) for k in self.keys)
        self.writer.writerow(row)
        self.csv_file.flush()

    def on_train_end(self, logs=None):
        if self.csv_file is not None and not self.csv_file.closed:
            self.csv_file.close()
        self.writer = None
