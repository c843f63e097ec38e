"""Data: where the examples come from and how they are cut, scaled and batched.

* ``synthetic.py`` — :func:`synthetic_data`, the running example with known parameters;
* ``loaders.py`` — three minibatch iterators (:func:`data_iter`, :func:`load_array`,
  :class:`InMemoryLoader`);
* ``splits.py`` — :func:`train_val_split`, :func:`three_way_split`;
* ``scaling.py`` — :class:`Standardizer`, :func:`standardize_parts`;
* ``csv_files.py`` — :func:`load_csv`, :func:`iter_csv_chunks` (streaming);
* ``datasets.py`` — reference data: :func:`load_nist` (shipped), :func:`load_diabetes`.
"""

from d2l_linreg.data.csv_files import iter_csv_chunks, load_csv
from d2l_linreg.data.datasets import NIST_DATASETS, NistDataset, load_diabetes, load_nist
from d2l_linreg.data.loaders import InMemoryLoader, data_iter, load_array
from d2l_linreg.data.scaling import Standardizer, standardize_parts
from d2l_linreg.data.splits import three_way_split, train_val_split
from d2l_linreg.data.synthetic import synthetic_data

__all__ = [
    "NIST_DATASETS",
    "InMemoryLoader",
    "NistDataset",
    "Standardizer",
    "data_iter",
    "iter_csv_chunks",
    "load_array",
    "load_csv",
    "load_diabetes",
    "load_nist",
    "standardize_parts",
    "synthetic_data",
    "three_way_split",
    "train_val_split",
]
