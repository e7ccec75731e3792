"""Datasets, samplers and ``DataLoader`` with PyTorch's names (``torch.utils.data``).

Example:
    >>> from nerve.utils.data import DataLoader, TensorDataset
    >>> loader = DataLoader(TensorDataset(x_train, y_train), batch_size=64, shuffle=True)
    >>> for xb, yb in loader:
    ...     loss = loss_fn(model(xb), yb)
"""
from .collate import default_collate, default_convert
from .dataloader import DataLoader, get_worker_info
from .dataset import (
    ChainDataset, ConcatDataset, Dataset, IterableDataset, Subset, TensorDataset, random_split,
)
from .sampler import (
    BatchSampler, RandomSampler, Sampler, SequentialSampler, SubsetRandomSampler, WeightedRandomSampler,
)
from .preprocessing import MinMaxScaler, StandardScaler, normalize
from .split import train_test_split

__all__ = [
    "BatchSampler", "ChainDataset", "MinMaxScaler", "StandardScaler", "normalize", "ConcatDataset", "DataLoader", "Dataset", "IterableDataset",
    "RandomSampler", "Sampler", "SequentialSampler", "Subset", "SubsetRandomSampler", "TensorDataset",
    "WeightedRandomSampler", "default_collate", "default_convert", "get_worker_info", "random_split",
    "train_test_split",
]
