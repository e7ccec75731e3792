"""DataLoader: batching, shuffling, reproducibility, the array fast path and its memory use."""
import re
import tracemalloc

import numpy as np
import pytest

import nerve
from nerve.utils.data import (
    BatchSampler, DataLoader, Dataset, IterableDataset, SequentialSampler, Subset, SubsetRandomSampler,
    TensorDataset, default_collate, random_split,
)


def _ds(n=10, d=3):
    x = np.arange(n * d, dtype=np.float32).reshape(n, d)
    y = np.arange(n, dtype=np.int64)
    return TensorDataset(x, y)


def _labels(loader):
    return [yb.numpy().tolist() for _, yb in loader]


def _generic(batch):  # same result as default_collate but forces the per-sample path
    return default_collate(batch)


# ---------------------------------------------------------------- batching
@pytest.mark.parametrize("n,bs,drop_last", [(10, 3, False), (10, 3, True), (10, 5, False), (10, 5, True),
                                            (7, 10, False), (7, 10, True), (1, 1, False)])
def test_batch_shapes_len_and_partial_batch(n, bs, drop_last):
    loader = DataLoader(_ds(n), batch_size=bs, drop_last=drop_last)
    batches = list(loader)
    sizes = [len(yb) for _, yb in batches]
    expected = [bs] * (n // bs) + ([] if drop_last or n % bs == 0 else [n % bs])
    assert sizes == expected
    assert len(loader) == len(expected)
    for xb, yb in batches:
        assert isinstance(xb, nerve.Tensor) and isinstance(yb, nerve.Tensor)
        assert xb.shape == (len(yb), 3) and xb.dtype == np.float32 and yb.dtype == np.int64


def test_sequential_values_in_order():
    ds = _ds(10)
    (xb0, yb0), *_ , (xb3, yb3) = list(DataLoader(ds, batch_size=3))
    np.testing.assert_array_equal(yb0.numpy(), [0, 1, 2])
    np.testing.assert_array_equal(xb0.numpy(), ds.tensors[0].numpy()[:3])
    np.testing.assert_array_equal(yb3.numpy(), [9])


def test_len_matches_torch():
    torch = pytest.importorskip("torch")
    from torch.utils.data import DataLoader as TDL, TensorDataset as TDS
    for n in (1, 9, 10, 64, 65, 1000):
        for bs in (1, 3, 64):
            for drop in (False, True):
                ours = DataLoader(_ds(n), batch_size=bs, drop_last=drop)
                theirs = TDL(TDS(torch.zeros(n, 3)), batch_size=bs, drop_last=drop)
                assert len(ours) == len(theirs)
                assert len(list(ours)) == len(list(theirs))


def test_float64_arrays_stay_float64_and_tensor_inputs():
    x = np.random.rand(20, 4)  # float64
    loader = DataLoader(TensorDataset(nerve.tensor(x, dtype=nerve.float32), x, np.arange(20, dtype=np.int32)),
                        batch_size=8)
    a, b, c = next(iter(loader))
    assert a.dtype == np.float32 and b.dtype == np.float64 and c.dtype == np.int32
    np.testing.assert_allclose(b.numpy(), x[:8])


def test_batches_are_copies_not_views_of_the_dataset():
    ds = _ds(10)
    for shuffle in (False, True):
        xb, _ = next(iter(DataLoader(ds, batch_size=4, shuffle=shuffle)))
        xb._data[...] = -1.0
        assert ds.tensors[0].numpy().min() >= 0.0


def test_batch_size_none_yields_unbatched_samples():
    out = list(DataLoader(_ds(4), batch_size=None))
    assert len(out) == 4
    x, y = out[2]
    assert x.shape == (3,) and y.shape == () and y.item() == 2


# ---------------------------------------------------------------- shuffling
def test_shuffle_covers_every_index_once_per_epoch_and_changes_order():
    loader = DataLoader(_ds(100), batch_size=7, shuffle=True)
    epochs = [sum(_labels(loader), []) for _ in range(3)]
    for order in epochs:
        assert sorted(order) == list(range(100))
    assert epochs[0] != list(range(100))
    assert epochs[0] != epochs[1] and epochs[1] != epochs[2]


def test_shuffle_drop_last_drops_the_remainder():
    loader = DataLoader(_ds(100), batch_size=7, shuffle=True, drop_last=True)
    labels = _labels(loader)
    assert [len(b) for b in labels] == [7] * 14
    assert len(set(sum(labels, []))) == 98


def test_seeded_generator_is_reproducible():
    a = DataLoader(_ds(50), batch_size=8, shuffle=True, generator=nerve.Generator().manual_seed(3))
    b = DataLoader(_ds(50), batch_size=8, shuffle=True, generator=nerve.Generator().manual_seed(3))
    c = DataLoader(_ds(50), batch_size=8, shuffle=True, generator=nerve.Generator().manual_seed(4))
    ea, eb, ec = _labels(a), _labels(b), _labels(c)
    assert ea == eb
    assert ea != ec
    assert _labels(a) == _labels(b)  # second epochs agree too


def test_manual_seed_makes_default_shuffle_reproducible():
    loader = DataLoader(_ds(50), batch_size=8, shuffle=True)
    nerve.manual_seed(123)
    first = _labels(loader)
    nerve.manual_seed(123)
    again = _labels(loader)
    nerve.manual_seed(124)
    other = _labels(loader)
    assert first == again
    assert first != other


def test_fast_path_and_generic_path_give_identical_batches():
    ds = _ds(53, 4)
    for shuffle, drop in [(False, False), (True, False), (True, True)]:
        fast = DataLoader(ds, batch_size=8, shuffle=shuffle, drop_last=drop,
                          generator=nerve.Generator().manual_seed(9))
        slow = DataLoader(ds, batch_size=8, shuffle=shuffle, drop_last=drop, collate_fn=_generic,
                          generator=nerve.Generator().manual_seed(9))
        pairs = list(zip(fast, slow, strict=True))
        assert len(pairs) == len(fast)
        for (fx, fy), (sx, sy) in pairs:
            np.testing.assert_array_equal(fx.numpy(), sx.numpy())
            np.testing.assert_array_equal(fy.numpy(), sy.numpy())
            assert fx.dtype == sx.dtype and fy.dtype == sy.dtype


def test_subset_and_nested_subset_of_tensor_dataset():
    ds = _ds(30)
    sub = Subset(Subset(ds, list(range(10, 30))), [0, 5, 19, -1])
    labels = sum(_labels(DataLoader(sub, batch_size=3)), [])
    assert labels == [10, 15, 29, 29]
    train, val = random_split(ds, [0.8, 0.2], generator=nerve.Generator().manual_seed(0))
    seen = sum(_labels(DataLoader(train, batch_size=5, shuffle=True)), [])
    assert sorted(seen) == sorted(train.indices)


def test_custom_sampler_and_batch_sampler():
    ds = _ds(10)
    got = sum(_labels(DataLoader(ds, batch_size=4, sampler=[9, 8, 7, 0, 1])), [])
    assert got == [9, 8, 7, 0, 1]
    got = _labels(DataLoader(ds, batch_sampler=[[3, 1], [2], [0, 0, 9]]))
    assert got == [[3, 1], [2], [0, 0, 9]]
    loader = DataLoader(ds, batch_size=3, sampler=SubsetRandomSampler([1, 3, 5, 7]))
    assert sorted(sum(_labels(loader), [])) == [1, 3, 5, 7] and len(loader) == 2


# ------------------------------------------------------ memory: no per-epoch dataset copy
def _peak_bytes(fn):
    tracemalloc.start()
    try:
        tracemalloc.reset_peak()
        fn()
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


@pytest.mark.parametrize("shuffle", [False, True])
@pytest.mark.parametrize("subset", [False, True])
def test_iterating_does_not_copy_the_dataset(shuffle, subset):
    n, d = 20000, 200
    x = np.random.rand(n, d).astype(np.float32)
    y = np.arange(n, dtype=np.int64)
    ds = TensorDataset(x, y)
    if subset:
        ds = Subset(ds, np.arange(n)[::-1].copy())
    loader = DataLoader(ds, batch_size=64, shuffle=shuffle)

    def one_epoch():
        for _ in loader:
            pass

    dataset_bytes = x.nbytes + y.nbytes
    # the probe sees a whole-array copy (so the check below can fail)...
    assert _peak_bytes(lambda: x[np.random.permutation(n)]) > 0.9 * x.nbytes
    # ...and one epoch allocates only index arrays and batch-sized copies
    assert _peak_bytes(one_epoch) < 0.05 * dataset_bytes


# ---------------------------------------------------------------- generic datasets
class PairDataset(Dataset):
    """Returns (float32 array, int) like an image dataset."""

    def __init__(self, n):
        self.n = n
        self.calls = 0

    def __len__(self):
        return self.n

    def __getitem__(self, i):
        self.calls += 1
        return np.full(4, i, dtype=np.float32), int(i) * 2


def test_generic_dataset_path():
    ds = PairDataset(11)
    batches = list(DataLoader(ds, batch_size=4, shuffle=True))
    assert [tuple(xb.shape) for xb, _ in batches] == [(4, 4), (4, 4), (3, 4)]
    xs = np.concatenate([xb.numpy() for xb, _ in batches])
    ys = np.concatenate([yb.numpy() for _, yb in batches])
    assert batches[0][0].dtype == np.float32 and batches[0][1].dtype == np.int64
    np.testing.assert_array_equal(ys, xs[:, 0].astype(np.int64) * 2)
    assert sorted(xs[:, 0].tolist()) == list(range(11))
    assert ds.calls == 11


class BatchedDataset(PairDataset):
    def __init__(self, n):
        super().__init__(n)
        self.batches = []

    def __getitems__(self, indices):
        self.batches.append(list(indices))
        return [(np.full(4, i, dtype=np.float32), int(i) * 2) for i in indices]


def test_getitems_is_called_once_per_batch():
    ds = BatchedDataset(10)
    out = list(DataLoader(ds, batch_size=4))
    assert ds.batches == [[0, 1, 2, 3], [4, 5, 6, 7], [8, 9]]
    assert all(type(i) is int for b in ds.batches for i in b)
    assert ds.calls == 0
    np.testing.assert_array_equal(out[2][1].numpy(), [16, 18])


def test_subset_forwards_to_getitems():
    ds = BatchedDataset(10)
    list(DataLoader(Subset(ds, [9, 7, 5]), batch_size=2))
    assert ds.batches == [[9, 7], [5]]


def test_dict_samples_and_custom_collate():
    class D(Dataset):
        def __len__(self):
            return 5

        def __getitem__(self, i):
            return {"x": np.ones(2) * i, "label": i, "name": f"s{i}"}

    b = next(iter(DataLoader(D(), batch_size=3)))
    assert set(b) == {"x", "label", "name"}
    assert b["x"].shape == (3, 2) and b["x"].dtype == np.float64
    assert b["label"].numpy().tolist() == [0, 1, 2] and b["name"] == ["s0", "s1", "s2"]
    sizes = [len(batch) for batch in DataLoader(D(), batch_size=2, collate_fn=lambda s: s)]
    assert sizes == [2, 2, 1]


class Stream(IterableDataset):
    def __init__(self, n, with_len=True):
        self.n, self.with_len = n, with_len

    def __iter__(self):
        return iter(range(self.n))

    def __len__(self):
        if not self.with_len:
            raise TypeError("no len")
        return self.n


def test_iterable_dataset():
    assert [b.numpy().tolist() for b in DataLoader(Stream(5), batch_size=2)] == [[0, 1], [2, 3], [4]]
    assert [b.numpy().tolist() for b in DataLoader(Stream(5), batch_size=2, drop_last=True)] == [[0, 1], [2, 3]]
    assert len(DataLoader(Stream(5), batch_size=2)) == 3
    assert len(DataLoader(Stream(5), batch_size=2, drop_last=True)) == 2
    with pytest.raises(TypeError):
        len(DataLoader(Stream(5, with_len=False), batch_size=2))
    chained = [b.numpy().tolist() for b in DataLoader(Stream(2) + Stream(3), batch_size=4)]
    assert chained == [[0, 1, 0, 1], [2]]


def test_num_workers_runs_in_process_and_calls_worker_init_fn():
    calls = []
    loader = DataLoader(_ds(10), batch_size=4, num_workers=2, worker_init_fn=calls.append,
                        persistent_workers=True, pin_memory=True)
    assert sum(_labels(loader), []) == list(range(10))
    assert calls == [0]


# ---------------------------------------------------------------- errors
BAD = [
    dict(batch_size=0),
    dict(batch_size=-2),
    dict(shuffle=True, sampler=[0, 1]),
    dict(sampler=[0, 1], batch_sampler=[[0]]),
    dict(batch_size=4, batch_sampler=[[0]]),
    dict(shuffle=True, batch_sampler=[[0]]),
    dict(drop_last=True, batch_sampler=[[0]]),
    dict(batch_size=None, drop_last=True),
    dict(num_workers=-1),
    dict(timeout=-1),
    dict(persistent_workers=True),
    dict(prefetch_factor=2),
]


@pytest.mark.parametrize("kwargs", BAD, ids=[str(k) for k in BAD])
def test_invalid_arguments_raise_like_torch(kwargs):
    with pytest.raises(ValueError) as ours:
        DataLoader(_ds(4), **kwargs)
    torch = pytest.importorskip("torch")
    from torch.utils.data import DataLoader as TDL, TensorDataset as TDS
    with pytest.raises(ValueError) as theirs:
        TDL(TDS(torch.zeros(4)), **kwargs)
    norm = lambda e: re.sub(r"\W+", " ", str(e)).strip()  # noqa: E731 - punctuation may differ
    assert norm(ours.value) == norm(theirs.value)


def test_iterable_dataset_rejects_shuffle_and_samplers():
    with pytest.raises(ValueError, match="expected unspecified shuffle option"):
        DataLoader(Stream(3), shuffle=True)
    with pytest.raises(ValueError, match="expected unspecified sampler option"):
        DataLoader(Stream(3), sampler=[0])
    with pytest.raises(ValueError, match="expected unspecified batch_sampler option"):
        DataLoader(Stream(3), batch_sampler=[[0]])


def test_attributes_cannot_be_changed_after_init():
    loader = DataLoader(_ds(4), batch_size=2)
    with pytest.raises(ValueError, match="batch_size attribute should not be set"):
        loader.batch_size = 3
    loader.num_workers = 0  # not guarded
    assert loader.batch_size == 2


def test_batch_sampler_object_is_used():
    bs = BatchSampler(SequentialSampler(range(6)), 4, False)
    loader = DataLoader(_ds(6), batch_sampler=bs)
    assert _labels(loader) == [[0, 1, 2, 3], [4, 5]] and len(loader) == 2
