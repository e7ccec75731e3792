"""Shared test set-up: the data folder, seeding, and the PyTorch oracle."""
import os
from pathlib import Path

import numpy as np
import pytest

_SHARED = Path(__file__).resolve().parents[2] / "shared" / "datasets"
if "NERVE_DATA" not in os.environ and _SHARED.is_dir():
    os.environ["NERVE_DATA"] = str(_SHARED)


@pytest.fixture(autouse=True)
def _seed():
    """Every test starts from the same random state."""
    import nerve
    nerve.manual_seed(0)
    np.random.seed(0)
    yield


def _torch_threads():
    try:
        import torch
    except ImportError:
        return
    torch.set_num_threads(1)


_torch_threads()
