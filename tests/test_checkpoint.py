"""Save after each epoch, resume exactly: a resumed run is bit-identical to an uninterrupted one."""

import os

import pytest
import torch
from torch import nn

import d2l_linreg as d2l

X, Y = d2l.synthetic_data([2.0, -3.4], 4.2, 200, seed=0)


def _setup(kind):
    if kind == "scratch":
        model = d2l.LinearRegressionScratch(2, seed=0)
        return model, d2l.squared_loss, d2l.SGDScratch(model.parameters(), 0.06)
    model = d2l.linear_model(2, seed=0)  # momentum: the optimizer has state worth saving
    return model, nn.MSELoss(), torch.optim.SGD(model.parameters(), lr=0.01, momentum=0.9)


def _run(kind, num_epochs, **kwargs):
    model, loss_fn, optimizer = _setup(kind)
    history = d2l.train(
        model, loss_fn, optimizer, (X, Y), num_epochs=num_epochs, val_data=(X[:50], Y[:50]),
        seed=0, **kwargs,
    )  # fmt: skip
    return model, history


def _same(a, b):
    (model_a, h_a), (model_b, h_b) = a, b
    return all(
        torch.equal(p, q) for p, q in zip(model_a.parameters(), model_b.parameters(), strict=True)
    ) and (h_a.train_loss, h_a.val_loss, h_a.step_loss) == (
        h_b.train_loss,
        h_b.val_loss,
        h_b.step_loss,
    )


@pytest.mark.parametrize("kind", ["concise", "scratch"])
def test_resume_is_bit_identical_to_an_uninterrupted_run(kind, tmp_path):
    path = tmp_path / "run.pt"
    full = _run(kind, 6)
    _run(kind, 3, checkpoint=path)
    resumed = _run(kind, 6, resume=path)
    assert resumed[1].num_epochs == 6 and _same(full, resumed)
    assert os.listdir(tmp_path) == ["run.pt"]  # no temporary file left behind
    state = torch.load(path, weights_only=True)  # plain tensors, numbers, lists, dicts
    assert state["epoch"] == 3 and state["history"]["train_loss"] == full[1].train_loss[:3]


def test_an_interrupted_run_keeps_its_last_complete_checkpoint(tmp_path):
    class CtrlC(d2l.Callback):
        def on_step_end(self, step, loss):
            if step == 17:  # in the third epoch (7 steps each)
                raise KeyboardInterrupt

    path = tmp_path / "run.pt"
    _, h = _run("concise", 6, checkpoint=path, callbacks=[CtrlC()])
    assert h.interrupted and torch.load(path, weights_only=True)["epoch"] == 2
    assert _same(_run("concise", 6), _run("concise", 6, resume=path))


def test_a_shuffled_resume_needs_the_loader_generator(tmp_path):
    """What the checkpoint's loader state buys: without it, epoch 4 draws epoch 1's order."""
    path = tmp_path / "run.pt"
    _run("scratch", 3, checkpoint=path)
    model, loss_fn, optimizer = _setup("scratch")
    model.load_state_dict(torch.load(path, weights_only=True)["model"])
    naive = d2l.train(model, loss_fn, optimizer, (X, Y), num_epochs=3, seed=0)  # fresh order
    full = _run("scratch", 6)
    assert naive.step_loss != full[1].step_loss[21:]


def _checkpoint(tmp_path):
    path = tmp_path / "run.pt"
    _run("concise", 2, checkpoint=path)
    return path


@pytest.mark.parametrize(
    ("damage", "match"),
    [
        (lambda p: p.write_bytes(p.read_bytes()[:300]), "is not a readable checkpoint"),
        (lambda p: p.write_text("w,b\n1,2\n"), "is not a readable checkpoint"),
        (lambda p: torch.save({"w": torch.zeros(2)}, p), "is not a d2l_linreg checkpoint"),
    ],
)
def test_a_truncated_or_foreign_file_is_refused_and_left_untouched(tmp_path, damage, match):
    path = _checkpoint(tmp_path)
    damage(path)
    before = path.read_bytes()
    model, loss_fn, optimizer = _setup("concise")
    start = [p.detach().clone() for p in model.parameters()]
    with pytest.raises(ValueError, match=f"resume='{path}' {match}"):
        d2l.train(model, loss_fn, optimizer, (X, Y), num_epochs=6, seed=0, resume=path)
    assert path.read_bytes() == before
    assert all(torch.equal(p, q) for p, q in zip(model.parameters(), start, strict=True))


def test_a_missing_file_another_model_or_too_few_epochs_are_refused(tmp_path):
    with pytest.raises(ValueError, match="no such file"):
        _run("concise", 3, resume=tmp_path / "nothing.pt")
    path = _checkpoint(tmp_path)
    with pytest.raises(ValueError, match="was written for another model"):
        _run("scratch", 3, resume=path)
    with pytest.raises(ValueError, match=r"holds 2 epochs, more than num_epochs=1"):
        _run("concise", 1, resume=path)
    with pytest.raises(ValueError, match=r"the folder .* does not exist"):
        _run("concise", 1, checkpoint=tmp_path / "no" / "run.pt")
