"""Data: synthetic problems, the three iterators, splits, standardization, CSV reading."""

import pytest
import torch

import d2l_linreg as d2l


def test_synthetic_data_matches_reference_program_draws():
    # The reference program: torch.manual_seed(0); X = randn(n, d); y = X w + b + 0.01 randn(n, 1)
    torch.manual_seed(0)
    X_ref = torch.randn(1000, 2)
    y_ref = X_ref @ torch.tensor([[2.0], [-3.4]]) + 4.2 + 0.01 * torch.randn(1000, 1)
    X, y = d2l.synthetic_data([2.0, -3.4], 4.2, 1000, seed=0)
    assert torch.equal(X, X_ref) and torch.equal(y, y_ref)


def test_synthetic_data_seeded_and_private():
    state = torch.get_rng_state()
    a = d2l.synthetic_data([1.0, 2.0, 3.0], -1.0, 50, seed=3)
    b = d2l.synthetic_data(torch.tensor([[1.0], [2.0], [3.0]]), -1.0, 50, seed=3)
    assert torch.equal(state, torch.get_rng_state())  # the global RNG is untouched
    assert all(torch.equal(u, v) for u, v in zip(a, b, strict=True))
    assert a[0].dtype == torch.float32 and a[1].shape == (50, 1)


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"num_examples": 0}, ValueError, r"num_examples must be a positive integer \(got 0\)"),
        ({"num_examples": 2.5}, TypeError, "num_examples must be a positive integer"),
        ({"noise": -1.0}, ValueError, r"noise must be a number >= 0 \(got -1.0\)"),
        ({"b": float("nan")}, ValueError, "b must be a finite number"),
        ({"w": "ab"}, TypeError, "w must be a tensor, array or sequence of numbers"),
    ],
)
def test_synthetic_data_rejects_bad_input(kwargs, error, match):
    args = {"w": [1.0], "b": 0.0, "num_examples": 10} | kwargs
    with pytest.raises(error, match=match):
        d2l.synthetic_data(**args)


def _batches(iterable):
    return [(xb.clone(), yb.clone()) for xb, yb in iterable]


def test_iterators_cover_every_example_once_and_keep_last_partial_batch():
    X, y = d2l.synthetic_data([1.0, -1.0], 0.5, 103, seed=1)
    for batches in (
        _batches(d2l.data_iter(10, X, y, seed=0)),
        _batches(d2l.load_array((X, y), 10, seed=0)),
        _batches(d2l.InMemoryLoader(X, y, 10, seed=0)),
    ):
        assert [len(yb) for _, yb in batches] == [10] * 10 + [3]
        Xs = torch.cat([xb for xb, _ in batches])
        ys = torch.cat([yb for _, yb in batches])
        assert sorted(ys.flatten().tolist()) == sorted(y.flatten().tolist())  # each row once
        assert sorted(Xs[:, 0].tolist()) == sorted(X[:, 0].tolist())


def test_iterators_pair_features_with_their_targets():
    X = torch.arange(40.0).reshape(20, 2)
    y = X.sum(dim=1, keepdim=True)
    for loader in (
        d2l.data_iter(6, X, y, seed=2),
        d2l.load_array((X, y), 6, seed=2),
        d2l.InMemoryLoader(X, y, 6, seed=2),
    ):
        for xb, yb in loader:
            assert torch.equal(xb.sum(dim=1, keepdim=True), yb)


def test_in_memory_loader_reshuffles_each_epoch_reproducibly():
    X = torch.arange(20.0).reshape(10, 2)
    y = torch.arange(10.0).reshape(10, 1)
    a, b = d2l.InMemoryLoader(X, y, 4, seed=5), d2l.InMemoryLoader(X, y, 4, seed=5)
    epochs_a = [torch.cat([yb for _, yb in a]).flatten().tolist() for _ in range(3)]
    epochs_b = [torch.cat([yb for _, yb in b]).flatten().tolist() for _ in range(3)]
    assert epochs_a == epochs_b
    assert epochs_a[0] != epochs_a[1]  # a new order each epoch
    unshuffled = d2l.InMemoryLoader(X, y, 4, shuffle=False)
    assert torch.cat([yb for _, yb in unshuffled]).flatten().tolist() == list(range(10))


@pytest.mark.parametrize("bad", [0, -3, 2.0, True])
def test_iterators_reject_bad_batch_size(bad):
    X, y = torch.zeros(5, 2), torch.zeros(5, 1)
    with pytest.raises((ValueError, TypeError), match="batch_size must be a positive integer"):
        list(d2l.data_iter(bad, X, y))
    with pytest.raises((ValueError, TypeError), match="batch_size must be a positive integer"):
        d2l.load_array((X, y), bad)
    with pytest.raises((ValueError, TypeError), match="batch_size must be a positive integer"):
        d2l.InMemoryLoader(X, y, bad)


def test_iterators_reject_mismatched_lengths_and_nan():
    with pytest.raises(ValueError, match=r"same number of rows \(got 5 and 4\)"):
        d2l.InMemoryLoader(torch.zeros(5, 2), torch.zeros(4, 1))
    with pytest.raises(ValueError, match="finite"):
        d2l.InMemoryLoader(torch.tensor([[float("nan")]]), torch.zeros(1, 1))


def test_train_val_split_partitions_rows():
    X = torch.arange(30.0).reshape(15, 2)
    y = torch.arange(15.0)
    (_, yt), (Xv, yv) = d2l.train_val_split(X, y, 0.2, seed=0)
    assert len(yv) == 3 and len(yt) == 12
    assert sorted(torch.cat([yt, yv]).flatten().tolist()) == list(range(15))
    assert torch.equal(Xv[:, 0] / 2, yv.flatten())  # rows stay paired
    with pytest.raises(ValueError, match="val_fraction must leave at least one example"):
        d2l.train_val_split(X, y, 0.0)


def test_standardizer_uses_training_statistics_only():
    X_train = torch.tensor([[1.0, 100.0], [3.0, 300.0], [5.0, 500.0]])
    X_test = torch.tensor([[7.0, 700.0]])
    s = d2l.Standardizer().fit(X_train)
    Z = s.transform(X_train)
    torch.testing.assert_close(Z.mean(0), torch.zeros(2))
    torch.testing.assert_close(Z.std(0, unbiased=False), torch.ones(2))
    # the test row is scaled with the training mean/std, not its own
    torch.testing.assert_close(
        s.transform(X_test), (X_test - X_train.mean(0)) / X_train.std(0, unbiased=False)
    )
    with pytest.raises(ValueError, match="must have 2 columns"):
        s.transform(torch.zeros(1, 3))
    with pytest.raises(ValueError, match="not fitted"):
        d2l.Standardizer().transform(X_test)


def test_load_csv(tmp_path):
    path = tmp_path / "d.csv"
    path.write_text("y,x1,x2\n1,2,3\n4,5,6\n")
    X, y, names = d2l.data.load_csv(path)
    assert (
        names == ["x1", "x2"]
        and X.tolist() == [[2.0, 3.0], [5.0, 6.0]]
        and y.tolist() == [[1.0], [4.0]]
    )
    X, y, names = d2l.data.load_csv(path, target="x2")
    assert names == ["y", "x1"] and y.tolist() == [[3.0], [6.0]]
    assert X.dtype == torch.float64


@pytest.mark.parametrize(
    ("text", "match"),
    [
        ("", "the file is empty"),
        ("y,x\n", "no data rows"),
        ("y,x\n1,abc\n", r"row 2, column 'x' is not a number \(got 'abc'\)"),
        ("y,x\n1,\n", "row 2, column 'x' is empty, NaN or infinite"),
        ("y,x\n1,nan\n", "is empty, NaN or infinite"),
        ("y,x\n1,2,3\n", "row 2 has 3 cells"),
    ],
)
def test_load_csv_errors(tmp_path, text, match):
    path = tmp_path / "bad.csv"
    path.write_text(text)
    with pytest.raises(ValueError, match=match):
        d2l.data.load_csv(path)


def test_load_csv_missing_file_and_target(tmp_path):
    with pytest.raises(FileNotFoundError, match="no such file"):
        d2l.data.load_csv(tmp_path / "missing.csv")
    path = tmp_path / "d.csv"
    path.write_text("y,x\n1,2\n")
    with pytest.raises(ValueError, match="no column named 'z'"):
        d2l.data.load_csv(path, target="z")
