"""Samplers against PyTorch's semantics."""
from collections import Counter

import numpy as np
import pytest

import nerve
from nerve.utils.data import (
    BatchSampler, RandomSampler, Sampler, SequentialSampler, SubsetRandomSampler, WeightedRandomSampler,
)


def test_sequential_sampler():
    s = SequentialSampler(range(5))
    assert list(s) == [0, 1, 2, 3, 4] and len(s) == 5


@pytest.mark.parametrize("n", [0, 1, 9, 10, 11])
@pytest.mark.parametrize("bs", [1, 3, 10])
@pytest.mark.parametrize("drop_last", [False, True])
def test_batch_sampler_matches_torch(n, bs, drop_last):
    torch = pytest.importorskip("torch")
    from torch.utils.data import BatchSampler as TBS, SequentialSampler as TSS
    ours = BatchSampler(SequentialSampler(range(n)), bs, drop_last)
    theirs = TBS(TSS(range(n)), bs, drop_last)
    assert list(ours) == list(theirs)
    assert len(ours) == len(theirs)
    # a plain iterable as the sampler goes through the generic path
    assert list(BatchSampler(list(range(n)), bs, drop_last)) == list(theirs)


def test_batch_sampler_over_random_sampler_yields_int_lists():
    batches = list(BatchSampler(RandomSampler(range(10)), 4, False))
    assert [len(b) for b in batches] == [4, 4, 2]
    assert all(type(i) is int for b in batches for i in b)
    assert sorted(sum(batches, [])) == list(range(10))


@pytest.mark.parametrize("bad", [0, -1, 2.0, True, None])
def test_batch_sampler_rejects_bad_batch_size(bad):
    with pytest.raises(ValueError, match="batch_size should be a positive integer value"):
        BatchSampler(range(3), bad, False)


def test_batch_sampler_rejects_non_bool_drop_last():
    with pytest.raises(ValueError, match="drop_last should be a boolean value"):
        BatchSampler(range(3), 2, 1)


def test_random_sampler_permutation_and_generator():
    s = RandomSampler(range(50), generator=nerve.Generator().manual_seed(0))
    a, b = list(s), list(s)
    assert sorted(a) == list(range(50)) and sorted(b) == list(range(50))
    assert a != b  # a new permutation each epoch
    assert a == list(RandomSampler(range(50), generator=nerve.Generator().manual_seed(0)))
    assert len(s) == 50


def test_random_sampler_num_samples_without_replacement_chains_permutations():
    s = RandomSampler(range(10), num_samples=25)
    out = list(s)
    assert len(out) == len(s) == 25
    assert sorted(out[:10]) == list(range(10)) and sorted(out[10:20]) == list(range(10))
    assert len(set(out[20:])) == 5


def test_random_sampler_with_replacement():
    torch = pytest.importorskip("torch")
    ours = RandomSampler(range(10), replacement=True, num_samples=5000)
    theirs = torch.utils.data.RandomSampler(range(10), replacement=True, num_samples=5000)
    out = list(ours)
    assert len(out) == len(list(theirs)) == len(ours) == len(theirs)
    counts = Counter(out)
    assert set(counts) == set(range(10))  # every index drawn, with repeats
    assert max(counts.values()) < 700 and min(counts.values()) > 300
    small = list(RandomSampler(range(3), replacement=True, num_samples=7))
    assert len(small) == 7 and set(small) <= {0, 1, 2}


def test_random_sampler_argument_errors_match_torch():
    torch = pytest.importorskip("torch")
    for kwargs, exc in [(dict(replacement=1), TypeError), (dict(num_samples=0), ValueError),
                        (dict(num_samples=-3), ValueError)]:
        with pytest.raises(exc) as ours:
            RandomSampler(range(4), **kwargs)
        with pytest.raises(exc) as theirs:
            torch.utils.data.RandomSampler(range(4), **kwargs)
        assert str(ours.value) == str(theirs.value)


def test_subset_random_sampler():
    idx = [5, 2, 9, 11]
    s = SubsetRandomSampler(idx, generator=nerve.Generator().manual_seed(0))
    epochs = [list(s) for _ in range(6)]
    assert all(sorted(e) == sorted(idx) for e in epochs)
    assert len({tuple(e) for e in epochs}) > 1
    assert len(s) == 4


def test_weighted_random_sampler():
    w = [0.0, 1.0, 3.0]
    out = list(WeightedRandomSampler(w, 4000))
    counts = Counter(out)
    assert 0 not in counts
    assert 2.5 < counts[2] / counts[1] < 3.5
    no_rep = list(WeightedRandomSampler([1, 1, 1, 1], 4, replacement=False))
    assert sorted(no_rep) == [0, 1, 2, 3]
    with pytest.raises(ValueError, match="num_samples should be a positive integer"):
        WeightedRandomSampler(w, 0)
    with pytest.raises(ValueError, match="without replacement"):
        WeightedRandomSampler(w, 3, replacement=False)


def test_custom_sampler_subclass():
    class Evens(Sampler):
        def __init__(self, n):
            self.n = n

        def __iter__(self):
            return iter(range(0, self.n, 2))

        def __len__(self):
            return (self.n + 1) // 2

    assert list(BatchSampler(Evens(9), 2, False)) == [[0, 2], [4, 6], [8]]
    with pytest.raises(NotImplementedError):
        iter(Sampler())
    assert np.array_equal(sorted(RandomSampler(range(3))), [0, 1, 2])
