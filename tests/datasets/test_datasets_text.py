"""Shakespeare text corpus."""

import os
from pathlib import Path

import pytest

from nerve.datasets import DatasetNotFoundError, load_shakespeare


def _shared_data_dir() -> Path:
    env = os.environ.get("NERVE_DATA", "").strip()
    if env:
        return Path(env)
    return Path(__file__).resolve().parents[2].parent / "shared" / "datasets"


SHARED = _shared_data_dir()


@pytest.mark.skipif(not (SHARED / "shakespeare" / "plays.txt").is_file(),
                    reason=f"{SHARED}/shakespeare/plays.txt not found; set NERVE_DATA")
def test_load_shakespeare(monkeypatch):
    monkeypatch.setenv("NERVE_DATA", str(SHARED))
    text = load_shakespeare()
    assert isinstance(text, str)
    assert len(text) == 1151361
    assert len(set(text)) == 76
    assert "Macbeth" in text or "MACBETH" in text
    assert load_shakespeare(SHARED) == text


def test_missing_shakespeare(tmp_path):
    with pytest.raises(DatasetNotFoundError) as ei:
        load_shakespeare(tmp_path)
    msg = str(ei.value)
    assert str(tmp_path / "shakespeare" / "plays.txt") in msg and "NERVE_DATA" in msg
    assert isinstance(ei.value, RuntimeError)
