"""train and evaluate refuse, with one clear message, what would otherwise train silently wrong."""

import numpy as np
import pytest
import torch
from torch import nn

import d2l_linreg as d2l


def _data(n=64):
    return d2l.synthetic_data([2.0, -3.4], 4.2, n, seed=0)


def _fit(train_data, model=None, loss_fn=None, optimizer=None, **kwargs):
    model = model or d2l.linear_model(2, seed=0)
    optimizer = optimizer or torch.optim.SGD(model.parameters(), lr=0.03)
    kwargs = {"num_epochs": 2, "seed": 0} | kwargs
    return model, d2l.train(model, loss_fn or nn.MSELoss(), optimizer, train_data, **kwargs)


def test_targets_of_shape_n_against_predictions_n_1_are_refused_with_the_fix():
    X, y = _data()
    loader = d2l.load_array((X, y.reshape(-1)), 32, seed=0)
    loader.dataset.tensors = (X, y.reshape(-1))  # a DataLoader over (n,) targets
    message = r"predictions have shape \(32, 1\) but the targets y have shape \(32,\).*y\.reshape\(-1, 1\)"
    with pytest.raises(ValueError, match=message):
        _fit(loader)
    with pytest.raises(ValueError, match=message):  # evaluate gives no wrong loss either
        d2l.evaluate(d2l.linear_model(2, seed=0), nn.MSELoss(), loader)


def test_a_loss_that_is_neither_scalar_nor_per_example_is_refused():
    def outer(y_hat, y):
        return (y_hat - y.reshape(-1)) ** 2  # (B, 1) - (B,) broadcasts to (B, B)

    with pytest.raises(ValueError, match=r"scalar or one loss per example \(got shape \(32, 32\)"):
        _fit(_data(), loss_fn=outer)


def test_an_optimizer_built_on_another_model_is_refused():
    other = d2l.linear_model(2, seed=1)
    with pytest.raises(ValueError, match="none of them among the 2 parameter"):
        _fit(_data(), optimizer=torch.optim.SGD(other.parameters(), lr=0.03))
    scratch = d2l.LinearRegressionScratch(2, seed=0)
    with pytest.raises(ValueError, match="built on another model"):
        _fit(_data(), model=scratch, optimizer=d2l.SGDScratch(other.parameters(), 0.06))
    with pytest.raises(TypeError, match=r"optimizer must have zero_grad\(\) and step\(\)"):
        _fit(_data(), optimizer=object())


def test_numpy_arrays_and_lists_are_converted_to_the_models_dtype():
    X, y = _data()
    reference, _ = _fit((X, y))
    for data in [
        (X.numpy().astype(np.float64), y.numpy().astype(np.float64)),
        (X.tolist(), y.reshape(-1).tolist()),
    ]:
        model, h = _fit(data)
        assert h.num_epochs == 2 and torch.equal(model.weight, reference.weight)


def test_a_dtype_or_device_mismatch_gets_one_clear_message():
    X, y = _data()
    with pytest.raises(TypeError, match=r"X has dtype torch.float64 but the model's parameters"):
        _fit((X.double(), y.double()))
    with pytest.raises(ValueError, match="device is meta but the model's parameters are on cpu"):
        _fit((X, y), device="meta")


def test_data_that_requires_grad_is_detached():
    X, y = _data()
    reference, _ = _fit((X, y))
    model, _ = _fit((X.clone().requires_grad_(True), y.clone().requires_grad_(True)))
    assert torch.equal(model.weight, reference.weight)


@pytest.mark.parametrize(
    ("batches", "match"),
    [
        ([(torch.zeros(2, 2), torch.zeros(2, 1), torch.zeros(2))], "got 3 items"),
        ([[np.zeros((2, 2)), np.zeros((2, 1))]], "got 2 items of types ndarray, ndarray"),
    ],
)
def test_minibatches_that_are_not_pairs_of_tensors_are_refused(batches, match):
    with pytest.raises(TypeError, match=match):
        _fit(batches)


def test_a_generator_spent_after_one_epoch_is_named():
    X, y = _data()
    with pytest.raises(ValueError, match="yielded no minibatch in epoch 2"):
        _fit(iter([(X, y)]))
