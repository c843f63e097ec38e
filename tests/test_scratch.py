"""From-scratch pieces and the manual gradients, checked against autograd."""

from pathlib import Path

import jupytext
import pytest
import torch

import d2l_linreg as d2l

SCRATCH_PAGE = Path(__file__).resolve().parents[1] / "docs" / "implementation" / "scratch.py"


def test_squared_loss_has_the_half_and_guards_shapes():
    y_hat = torch.tensor([[1.0], [2.0]])
    assert d2l.squared_loss(y_hat, torch.tensor([[3.0], [2.0]])).flatten().tolist() == [2.0, 0.0]
    # y of shape (n,) is reshaped, not broadcast to (n, n)
    assert d2l.squared_loss(y_hat, torch.tensor([3.0, 2.0])).shape == (2, 1)
    with pytest.raises(ValueError, match="one target per prediction"):
        d2l.squared_loss(y_hat, torch.zeros(3))


def test_sgd_divides_by_batch_size_and_zeroes_grads():
    w = torch.tensor([1.0, 2.0], requires_grad=True)
    (w * torch.tensor([4.0, 8.0])).sum().backward()
    d2l.sgd([w], lr=0.5, batch_size=4)
    assert w.detach().tolist() == [0.5, 1.0] and w.grad.tolist() == [0.0, 0.0]
    with pytest.raises(ValueError, match=r"lr must be a positive number \(got 0\)"):
        d2l.sgd([w], lr=0, batch_size=4)


def test_d2l_summed_loss_with_sgd_equals_mean_loss_with_sgdscratch():
    X, y = d2l.synthetic_data([1.0, -2.0, 0.5], 0.3, 64, seed=1)
    a = d2l.LinearRegressionScratch(3, seed=2)
    b = d2l.LinearRegressionScratch(3, seed=2)
    opt = d2l.SGDScratch(b.params, lr=0.1)
    for xb, yb in d2l.InMemoryLoader(X, y, 16, shuffle=False):
        d2l.squared_loss(a(xb), yb).sum().backward()
        d2l.sgd(a.params, 0.1, len(yb))
        opt.zero_grad()
        d2l.squared_loss(b(xb), yb).mean().backward()
        opt.step()
    torch.testing.assert_close(a.w, b.w, rtol=0, atol=1e-6)  # float32 rounding only


@pytest.mark.parametrize("seed", range(5))
def test_manual_minibatch_gradients_equal_autograd(seed):
    gen = torch.Generator().manual_seed(seed)
    n, d = torch.randint(1, 50, (2,), generator=gen).tolist()
    X, y = torch.randn(n, d, generator=gen), torch.randn(n, 1, generator=gen)
    w = torch.randn(d, 1, generator=gen, requires_grad=True)
    b = torch.randn(1, generator=gen, requires_grad=True)
    d2l.squared_loss(d2l.linreg(X, w, b), y).mean().backward()
    grad_w, grad_b = d2l.minibatch_gradients(X, y, w.detach(), b.detach())
    torch.testing.assert_close(grad_w, w.grad)
    torch.testing.assert_close(grad_b, b.grad)


def test_example_gradients_equal_autograd_and_average_to_minibatch():
    gen = torch.Generator().manual_seed(0)
    X, y = torch.randn(8, 3, generator=gen), torch.randn(8, 1, generator=gen)
    w, b = torch.randn(3, 1, generator=gen), torch.randn(1, generator=gen)
    per_example = [d2l.example_gradients(X[i], float(y[i]), w, b) for i in range(8)]
    for i, (gw, gb) in enumerate(per_example):
        wr, br = w.clone().requires_grad_(), b.clone().requires_grad_()
        d2l.squared_loss(d2l.linreg(X[i : i + 1], wr, br), y[i : i + 1]).sum().backward()
        torch.testing.assert_close(gw, wr.grad)
        torch.testing.assert_close(gb, br.grad)
    grad_w, grad_b = d2l.minibatch_gradients(X, y, w, b)
    torch.testing.assert_close(torch.stack([g for g, _ in per_example]).mean(0), grad_w)
    torch.testing.assert_close(torch.stack([g for _, g in per_example]).mean(0), grad_b)


def test_manual_model_backward_is_the_page_formula():
    X, y = d2l.synthetic_data([1.0, 2.0], -1.0, 20, seed=3)
    model = d2l.LinearRegressionManual(2, sigma=0.5, seed=3)
    d2l.manual_squared_loss(model(X), y).backward()
    grad_w, grad_b = d2l.minibatch_gradients(X, y, model.w.detach(), model.b.detach())
    torch.testing.assert_close(model.w.grad, grad_w)
    torch.testing.assert_close(model.b.grad, grad_b)


def test_scratch_model_moves_its_tensors_in_place():
    model = d2l.LinearRegressionScratch(2, seed=0)
    w = model.w
    model.to(torch.float64)
    assert model.w is w and w.dtype == torch.float64 and w.requires_grad


def test_scratch_constructors_reject_bad_input():
    with pytest.raises(ValueError, match="num_inputs must be a positive integer"):
        d2l.LinearRegressionScratch(0)
    with pytest.raises(ValueError, match="params must hold at least one tensor"):
        d2l.SGDScratch([], lr=0.1)
    with pytest.raises(ValueError, match="lr must be a positive number"):
        d2l.SGDScratch([torch.zeros(1, requires_grad=True)], lr=-1.0)


def test_sgd_without_backward_says_what_to_do():
    w = torch.zeros(2, requires_grad=True)
    with pytest.raises(ValueError, match=r"call loss.backward\(\) first"):
        d2l.sgd([w], lr=0.1, batch_size=2)
    assert w.tolist() == [0.0, 0.0]  # nothing was updated


def test_scratch_page_defines_the_pieces_in_visible_cells():
    """The reader copies code, not printed source: iterator, parameters, model, loss, optimizer."""
    cells = [c for c in jupytext.read(SCRATCH_PAGE).cells if c.cell_type == "code"]
    visible = "\n".join(c.source for c in cells if "hide-cell" not in c.metadata.get("tags", []))
    for definition in (
        "def data_iter(",
        "def init_params(",
        "def linreg(",
        "def squared_loss(",
        "class SGD:",
    ):
        assert definition in visible, definition
    page = SCRATCH_PAGE.read_text(encoding="utf-8")
    assert "show(" not in page and "inspect" not in page  # no printed package source
    assert ".sum().backward()" not in page and "d2l.sgd(" not in page  # one convention: the mean
