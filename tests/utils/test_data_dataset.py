"""TensorDataset, Subset, ConcatDataset and random_split, with PyTorch as the oracle where it applies."""
import warnings

import numpy as np
import pytest

import nerve
from nerve.utils.data import ConcatDataset, Dataset, Subset, TensorDataset, random_split


def test_tensor_dataset_items_from_arrays_and_tensors():
    x = np.arange(12, dtype=np.float64).reshape(4, 3)
    y = nerve.tensor([5, 6, 7, 8])
    ds = TensorDataset(x, y)
    assert len(ds) == 4
    xi, yi = ds[2]
    assert isinstance(xi, nerve.Tensor) and isinstance(yi, nerve.Tensor)
    assert xi.dtype == np.float64 and xi.numpy().tolist() == [6.0, 7.0, 8.0]
    assert yi.shape == () and yi.item() == 7
    assert ds.tensors[0].numpy() is x  # no copy of the data
    xs, ys = ds[1:3]
    assert xs.shape == (2, 3) and ys.numpy().tolist() == [6, 7]


def test_tensor_dataset_size_mismatch_names_the_sizes():
    with pytest.raises(ValueError, match=r"\[5, 4\]"):
        TensorDataset(np.zeros((5, 2)), np.zeros(4))
    with pytest.raises(ValueError, match="0-dimensional"):
        TensorDataset(np.float32(1.0))


def test_subset():
    ds = TensorDataset(np.arange(10) * 10)
    s = Subset(ds, [3, 1, 8])
    assert len(s) == 3
    assert [s[i][0].item() for i in range(3)] == [30, 10, 80]
    assert [item[0].item() for item in s.__getitems__([2, 0])] == [80, 30]


def test_concat_dataset_and_add():
    a = TensorDataset(np.arange(3))
    b = TensorDataset(np.arange(100, 105))
    c = a + b
    assert isinstance(c, ConcatDataset) and len(c) == 8 and c.cumulative_sizes == [3, 8]
    assert [c[i][0].item() for i in range(8)] == [0, 1, 2, 100, 101, 102, 103, 104]
    assert c[-1][0].item() == 104 and c[-8][0].item() == 0
    with pytest.raises(ValueError, match="absolute value of index"):
        c[-9]
    with pytest.raises(IndexError):
        c[8]
    with pytest.raises(ValueError, match="empty"):
        ConcatDataset([])


def test_concat_matches_torch():
    torch = pytest.importorskip("torch")
    from torch.utils.data import ConcatDataset as TCD, TensorDataset as TTD
    parts = [np.arange(3), np.arange(10, 14), np.arange(20, 21)]
    ours = ConcatDataset([TensorDataset(p) for p in parts])
    theirs = TCD([TTD(torch.from_numpy(p)) for p in parts])
    assert len(ours) == len(theirs)
    assert [ours[i][0].item() for i in range(-len(ours), len(ours))] == \
        [theirs[i][0].item() for i in range(-len(theirs), len(theirs))]


def test_dataset_base_raises():
    with pytest.raises(NotImplementedError):
        Dataset()[0]


# ---------------------------------------------------------------- random_split
def _check_partition(parts, n):
    idx = [i for p in parts for i in p.indices]
    assert sorted(idx) == list(range(n))  # disjoint and covering


@pytest.mark.parametrize("n,fracs", [(10, [0.3, 0.3, 0.4]), (11, [0.5, 0.5]), (7, [0.8, 0.1, 0.1]),
                                     (100, [0.7, 0.2, 0.1]), (5, [1 / 3, 1 / 3, 1 / 3])])
def test_random_split_fraction_lengths_match_torch(n, fracs):
    torch = pytest.importorskip("torch")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ours = random_split(range(n), fracs)
        theirs = torch.utils.data.random_split(range(n), fracs)
    assert [len(p) for p in ours] == [len(p) for p in theirs]
    _check_partition(ours, n)


def test_random_split_rounding_rule():
    # floors [2, 2, 5]: the remainder 1 goes to the first split
    assert [len(p) for p in random_split(range(10), [0.25, 0.25, 0.5])] == [3, 2, 5]
    # floors [2, 2, 2, 2]: the remainder 3 goes round-robin from the first split
    assert [len(p) for p in random_split(range(11), [0.25] * 4)] == [3, 3, 3, 2]


def test_random_split_int_lengths_and_reproducibility():
    parts = random_split(range(20), [5, 15], generator=nerve.Generator().manual_seed(1))
    again = random_split(range(20), [5, 15], generator=nerve.Generator().manual_seed(1))
    other = random_split(range(20), [5, 15], generator=nerve.Generator().manual_seed(2))
    assert [len(p) for p in parts] == [5, 15]
    _check_partition(parts, 20)
    assert parts[0].indices == again[0].indices
    assert parts[0].indices != other[0].indices
    assert sorted(parts[0].indices) != list(range(5)) or sorted(parts[1].indices) != list(range(5, 20))
    nerve.manual_seed(7)
    a = random_split(range(20), [10, 10])[0].indices
    nerve.manual_seed(7)
    b = random_split(range(20), [10, 10])[0].indices
    assert a == b
    ds = TensorDataset(np.arange(20) * 3)
    sub = random_split(ds, [0.5, 0.5])[1]
    assert sub[0][0].item() == 3 * sub.indices[0]


def test_random_split_errors_and_warning():
    with pytest.raises(ValueError, match="Sum of input lengths"):
        random_split(range(10), [3, 3])
    with pytest.raises(ValueError, match="not between 0 and 1"):
        random_split(range(10), [1.5, -0.5])
    with pytest.warns(UserWarning) as record:
        parts = random_split(range(2), [0.9, 0.05, 0.05])  # floors [1, 0, 0] + remainder 1 -> [2, 0, 0]
    assert [len(p) for p in parts] == [2, 0, 0]
    assert [str(w.message)[:27] for w in record] == ["Length of split at index 1 ", "Length of split at index 2 "]
