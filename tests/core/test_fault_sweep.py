"""The fault sweep (fault_sweep.py: 759 user mistakes run in nerve and in PyTorch) as a fence.

Fails on any case whose outcome is RAW (NumPy's or Python's internal text reaches the
user), RAW-WRAPPED, WARN (a NumPy RuntimeWarning escaped) or HANG, and on any SILENT case
(nerve accepts what PyTorch refuses, or computes another value) that is not one of the
deliberate leniencies below. ``python tests/core/fault_sweep.py --report r.md`` shows
every outcome with both frameworks' messages.
"""
import os
import sys
from collections import Counter

import pytest

pytest.importorskip("torch")
sys.path.insert(0, os.path.dirname(__file__))
import fault_sweep  # noqa: E402

# PyTorch's own answer is Python's text, and nerve's is the same: not worth a custom message.
ALLOWED_RAW = {
    "len(data.Dataset())",            # TypeError: object of type 'Dataset' has no len() (as torch)
}
# nerve is deliberately more lenient than PyTorch here (each is documented nerve behaviour).
ALLOWED_SILENT = {
    "T.tensor([1, 2], dtype='float32')",          # dtype names as strings
    "T.ones(3, dtype='float32')",
    "T.ones(3).to(dtype='float32')",
    "T.ones(3).to('float32')",
    "T.sum(T.ones(3), dtype='int')",
    "T.maximum(T.ones(2), 3)",                    # a Python number as the other operand (keras.ops relies on it)
    "(x := H.leaf(3), setattr(x, 'requires_grad', 'yes'))",   # the requires_grad slot is not a property:
    "(x := H.leaf(3), y := x * 2, setattr(y, 'requires_grad', False))",   # ops read it on the hot path
    "nn.Parameter([1., 2.])",                     # data converted (torch fails raw)
    "F.mse_loss(T.ones(3), [1., 2., 3.])",        # a list target is lifted (torch fails raw)
    "F.cross_entropy(T.ones(2, 3), T.tensor([0, 1], dtype=T.int32))",   # int32 class indices
    "F.binary_cross_entropy(T.tensor([0.5]), T.tensor([1]))",         # an integer 0/1 target
    "F.softplus(T.tensor([1000.]), beta=1, threshold=2000)",          # exact 1000 where torch overflows
    "len(data.TensorDataset())",                  # 0 (torch: IndexError)
    "data.TensorDataset([1, 2, 3])",              # data converted (torch fails raw)
}


@pytest.fixture(scope="module")
def results():
    return fault_sweep.main()


def test_the_sweep_ran(results):
    counts = Counter(r["cat"] for r in results)
    assert len(results) > 700 and counts["CLEAR"] > 500, counts


@pytest.mark.parametrize("category", ["RAW", "RAW-WRAPPED", "WARN", "HANG"])
def test_no_raw_message_warning_or_hang(results, category):
    bad = [r for r in results if r["cat"] == category and r["code"] not in ALLOWED_RAW]
    assert not bad, "\n".join(f"{r['code']}: {fault_sweep.exc_text(r['nerve_exc'])}" for r in bad)


def test_no_unexpected_silent_acceptance(results):
    bad = [r for r in results if r["cat"] == "SILENT" and r["code"] not in ALLOWED_SILENT]
    assert not bad, "\n".join(f"{r['code']}: torch {fault_sweep.exc_text(r['torch_exc'])}" for r in bad)


def test_allow_lists_are_current(results):
    """An allowed case that now behaves well is removed from the list."""
    by_code = {r["code"]: r["cat"] for r in results}
    stale = sorted(c for c in ALLOWED_RAW | ALLOWED_SILENT if by_code.get(c) not in ("RAW", "SILENT"))
    assert not stale, stale
