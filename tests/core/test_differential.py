"""The differential test against PyTorch, fixed seeds (see differential.py for what is compared).

Each seed runs random programs of 3-12 ops over random shapes in nerve and in PyTorch and
compares every step (raise or not, dtype, shape, values of every value so far, gradients);
a mismatch is shrunk to a minimal program and printed. Longer runs:
``python tests/core/differential.py --programs 5000 --seed 1``.
"""
import os
import sys

import pytest

pytest.importorskip("torch")
sys.path.insert(0, os.path.dirname(__file__))
import differential  # noqa: E402


@pytest.mark.parametrize("seed", [0, 1, 2, 3])
def test_random_programs_agree_with_torch(seed):
    reports = []
    failures, stats = differential.run_many(150, seed, report=reports.append, stop_after=3)
    assert not failures, "\n".join(reports)
    assert stats.get("ok", 0) > 60      # most programs run to a compared backward


def test_harness_detects_a_wrong_gradient(monkeypatch):
    """A deliberately wrong backward must be caught and shrunk (the test can fail)."""
    import numpy as np
    from nerve.ops import elementwise
    monkeypatch.setattr(elementwise.Tanh, "backward", lambda self, g: g * 2.0)
    prog = differential.Program(
        inputs=[(np.array([0.5, -1.0], dtype=np.float32), True)],
        steps=[differential.Step("exp", (0,), {}), differential.Step("tanh", (0,), {}),
               differential.Step("sum", (2,), {"dim": None, "keepdim": False})])
    with pytest.raises(differential.Mismatch) as info:
        differential.run_program(prog)
    assert info.value.kind == "grad"
    small = differential.shrink(prog, "grad")
    assert [s.op for s in small.steps] == ["tanh"]
