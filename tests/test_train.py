"""The one training loop: model-agnostic, bounded, seeded, and honest about divergence."""

import math

import pytest
import torch
from torch import nn

import d2l_linreg as d2l

TRUE_W, TRUE_B = [2.0, -3.4], 4.2


def _problem(seed=0, n=1000):
    return d2l.synthetic_data(TRUE_W, TRUE_B, n, seed=seed)


def _train_linear(train_data, *, lr=0.03, seed=0, **kwargs):
    """The concise linear model trained by d2l.train with MSELoss and torch.optim.SGD."""
    model = d2l.linear_model(2, seed=seed)
    optimizer = torch.optim.SGD(model.parameters(), lr=lr)
    return model, d2l.train(model, nn.MSELoss(), optimizer, train_data, seed=seed, **kwargs)


def test_same_call_trains_scratch_linear_and_mlp():
    X, y = _problem()
    scratch = d2l.LinearRegressionScratch(2, seed=0)
    linear = d2l.linear_model(2, seed=0)
    net = d2l.mlp(2, hidden=16, seed=0)
    setups = [
        (scratch, d2l.squared_loss, d2l.SGDScratch(scratch.params, 0.06)),
        (linear, nn.MSELoss(), torch.optim.SGD(linear.parameters(), lr=0.03)),
        (net, nn.MSELoss(), torch.optim.SGD(net.parameters(), lr=0.01)),
    ]
    for model, loss_fn, opt in setups:
        h = d2l.train(
            model, loss_fn, opt, (X, y), num_epochs=5, val_data=(X[:100], y[:100]), seed=0
        )
        assert len(h.train_loss) == len(h.val_loss) == 5
        assert len(h.step_loss) == 5 * 32
        assert h.val_loss[-1] < h.val_loss[0] / 10, type(model).__name__  # all of them learn


def test_history_train_loss_is_example_weighted_mean_of_steps():
    X, y = _problem(n=70)  # batches of 32, 32, 6
    _, h = _train_linear((X, y), lr=0.01, num_epochs=1)
    expected = (32 * h.step_loss[0] + 32 * h.step_loss[1] + 6 * h.step_loss[2]) / 70
    assert h.train_loss[0] == pytest.approx(expected, rel=1e-12)


def test_same_seed_same_numbers():
    runs = []
    for _ in range(2):
        X, y = _problem(seed=4)
        model, h = _train_linear((X, y), num_epochs=2, seed=4)
        runs.append((h.step_loss, model.weight.detach().clone()))
    assert runs[0][0] == runs[1][0] and torch.equal(runs[0][1], runs[1][1])


def test_evaluate_runs_in_eval_mode_without_grad_and_restores_mode():
    seen = {}

    class Probe(nn.Module):
        def __init__(self):
            super().__init__()
            self.lin = nn.Linear(1, 1)

        def forward(self, X):
            seen["training"], seen["grad"] = self.training, torch.is_grad_enabled()
            return self.lin(X)

    model = Probe()
    model.train()
    d2l.evaluate(model, nn.MSELoss(), (torch.zeros(4, 1), torch.zeros(4, 1)))
    assert seen == {"training": False, "grad": False}
    assert model.training


def test_loop_order_is_zero_grad_forward_loss_backward_step():
    calls = []

    class Spy:
        def __init__(self, params):
            self.inner = torch.optim.SGD(params, lr=0.01)

        def zero_grad(self):
            calls.append("zero_grad")
            self.inner.zero_grad()

        def step(self):
            calls.append("step")
            self.inner.step()

    model = nn.Linear(1, 1)

    def loss_fn(y_hat, y):
        calls.append("loss")
        loss = ((y_hat - y) ** 2).mean()
        loss.register_hook(lambda g: calls.append("backward"))
        return loss

    model.register_forward_pre_hook(lambda *a: calls.append("forward"))
    d2l.train(
        model,
        loss_fn,
        Spy(model.parameters()),
        (torch.ones(4, 1), torch.ones(4, 1)),
        num_epochs=1,
        batch_size=4,
    )
    assert calls == ["zero_grad", "forward", "loss", "backward", "step"]


def test_divergence_stops_and_is_reported():
    X, y = _problem()
    _, h = _train_linear((X, y), lr=5.0, num_epochs=50)
    assert h.diverged
    assert not math.isfinite(h.step_loss[-1]) and not math.isfinite(h.train_loss[-1])
    assert h.num_epochs < 50  # the loop stopped instead of running on NaNs


def test_callbacks_see_every_step_and_epoch_and_can_stop():
    class Recorder(d2l.Callback):
        def __init__(self):
            self.steps, self.epochs = [], []

        def on_step_end(self, step, loss):
            self.steps.append(step)

        def on_epoch_end(self, epoch, history):
            self.epochs.append(epoch)
            return epoch == 1  # stop after the second epoch

    X, y = _problem(n=64)
    rec = Recorder()
    _, h = _train_linear((X, y), num_epochs=10, callbacks=[rec])
    assert rec.epochs == [0, 1] and rec.steps == [0, 1, 2, 3] and h.stopped_early


def test_train_accepts_any_iterable_of_batches():
    X, y = _problem(n=96)
    _, h = _train_linear(d2l.load_array((X, y), 32, seed=0), num_epochs=2)
    assert len(h.step_loss) == 6


def test_print_loss_callback(capsys):
    X, y = _problem(n=64)
    _train_linear((X, y), num_epochs=2, val_data=(X, y), callbacks=[d2l.PrintLoss()])
    lines = capsys.readouterr().out.splitlines()
    assert (
        len(lines) == 2 and lines[0].startswith("epoch 1, train loss ") and "val loss" in lines[0]
    )


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"num_epochs": 0}, ValueError, r"num_epochs must be a positive integer \(got 0\)"),
        ({"num_epochs": 5, "batch_size": -1}, ValueError, "batch_size must be a positive integer"),
        ({"num_epochs": 5, "train_data": 3}, TypeError, "train_data must be a tuple"),
        ({"num_epochs": 5, "train_data": []}, ValueError, "yielded no minibatch"),
    ],
)
def test_train_rejects_bad_input(kwargs, error, match):
    model = nn.Linear(1, 1)
    args = {"train_data": (torch.zeros(4, 1), torch.zeros(4, 1))} | kwargs
    with pytest.raises(error, match=match):
        d2l.train(model, nn.MSELoss(), torch.optim.SGD(model.parameters(), lr=0.1), **args)


@pytest.mark.skipif(not torch.cuda.is_available(), reason="no CUDA device")
def test_train_on_cuda():
    X, y = _problem()
    for model in (
        d2l.linear_model(2, seed=0).cuda(),
        d2l.LinearRegressionScratch(2, seed=0).cuda(),
    ):
        opt = (
            torch.optim.SGD(model.parameters(), lr=0.03)
            if isinstance(model, nn.Linear)
            else d2l.SGDScratch(model.parameters(), 0.06)
        )
        loss_fn = nn.MSELoss() if isinstance(model, nn.Linear) else d2l.squared_loss
        d2l.train(model, loss_fn, opt, (X, y), num_epochs=5, seed=0)
        w = model.weight if isinstance(model, nn.Linear) else model.w.T
        assert w.device.type == "cuda"
        assert (w.detach().cpu() - torch.tensor([TRUE_W])).abs().max() < 0.01


# --- one stop behaviour, divergence, interrupts -------------------------------------------------


class _Recorder(d2l.Callback):
    def __init__(self, stop_step=None, stop_epoch=None):
        self.stop_step, self.stop_epoch, self.steps, self.epochs = stop_step, stop_epoch, [], []

    def on_step_end(self, step, loss):
        self.steps.append(step)
        return step == self.stop_step

    def on_epoch_end(self, epoch, history):
        self.epochs.append(epoch)
        return epoch == self.stop_epoch


@pytest.mark.parametrize(
    ("stop", "steps", "epochs"), [({"stop_step": 5}, 6, 2), ({"stop_epoch": 1}, 8, 2)]
)
def test_a_stop_from_either_hook_leaves_the_same_kind_of_history(stop, steps, epochs):
    X, y = _problem(n=128)  # 4 steps per epoch
    rec = _Recorder(**stop)
    _, h = _train_linear((X, y), num_epochs=10, val_data=(X, y), callbacks=[rec])
    assert h.stopped_early and not h.diverged and not h.interrupted
    assert len(h.step_loss) == steps and rec.epochs == list(range(epochs))  # the epoch is closed
    assert len(h.train_loss) == len(h.val_loss) == epochs
    last = h.step_loss[4:]  # the steps of the last (second) epoch, weighted by their sizes
    assert h.train_loss[-1] == pytest.approx(sum(last) / len(last), rel=1e-12)


def test_divergence_leaves_the_last_finite_parameters_and_skips_the_bad_step():
    X, y = _problem()
    model = d2l.linear_model(2, seed=0)
    path = d2l.ParameterPath(model)
    opt = torch.optim.SGD(model.parameters(), lr=5.0)
    h = d2l.train(model, nn.MSELoss(), opt, (X, y), num_epochs=50, seed=0, callbacks=[path])
    assert h.diverged and not math.isfinite(h.step_loss[-1])
    flat = torch.cat([p.detach().reshape(-1) for p in model.parameters()])
    assert torch.isfinite(flat).all()
    assert torch.equal(flat, path.tensor()[-1])  # the parameters after the last finite step
    assert len(path.points) == len(h.step_loss)  # start + every step but the diverging one


class _Overflowing:
    """SGD whose step number `bad` sends the weights to infinity (the loss before it is finite)."""

    def __init__(self, params, bad):
        self.inner, self.bad, self.calls = torch.optim.SGD(params, lr=0.01), bad, 0
        self.param_groups = self.inner.param_groups

    def zero_grad(self):
        self.inner.zero_grad()

    def step(self):
        self.inner.step()
        self.calls += 1
        if self.calls == self.bad:
            with torch.no_grad():
                self.param_groups[0]["params"][0].fill_(math.inf)


@pytest.mark.parametrize("bad", [3, 8])  # in the middle, and the very last step of the run
def test_a_step_that_overflows_the_parameters_is_undone_and_reported(bad):
    X, y = _problem(n=64)  # 2 steps per epoch, 4 epochs: step 8 is the last
    model = d2l.linear_model(2, seed=0)
    path = d2l.ParameterPath(model)
    opt = _Overflowing(model.parameters(), bad)
    h = d2l.train(model, nn.MSELoss(), opt, (X, y), num_epochs=4, seed=0, callbacks=[path])
    assert h.diverged and len(h.step_loss) == bad and math.isfinite(h.step_loss[-1])
    flat = torch.cat([p.detach().reshape(-1) for p in model.parameters()])
    assert torch.equal(flat, path.tensor()[-1])  # the parameters before the overflowing step


def test_evaluate_restores_the_mode_when_the_loss_raises():
    model = nn.Linear(1, 1)
    model.train()

    def broken(y_hat, y):
        raise RuntimeError("a bug in the loss")

    with pytest.raises(RuntimeError, match="a bug in the loss"):
        d2l.evaluate(model, broken, (torch.zeros(4, 1), torch.zeros(4, 1)))
    assert model.training


class _CtrlC(d2l.Callback):
    def __init__(self, at_step):
        self.at_step = at_step

    def on_step_end(self, step, loss):
        if step == self.at_step:
            raise KeyboardInterrupt


def test_ctrl_c_returns_the_history_so_far():
    X, y = _problem(n=128)  # 4 steps per epoch
    model = d2l.linear_model(2, seed=0)
    path = d2l.ParameterPath(model)
    opt = torch.optim.SGD(model.parameters(), lr=0.03)
    h = d2l.train(
        model, nn.MSELoss(), opt, (X, y), num_epochs=10**6, seed=0, callbacks=[path, _CtrlC(5)]
    )  # a long run, accepted: Ctrl-C stops it
    assert h.interrupted and not h.diverged and not h.stopped_early
    assert len(h.step_loss) == 6 and len(h.train_loss) == 2  # the epoch in progress is recorded
    flat = torch.cat([p.detach().reshape(-1) for p in model.parameters()])
    assert torch.equal(flat, path.tensor()[-1]) and len(path.points) == 7


def test_ctrl_c_inside_a_step_undoes_the_half_done_step():
    class HalfStep:
        def __init__(self, model):
            self.model, self.calls = model, 0

        def zero_grad(self):
            self.model.zero_grad()

        def step(self):
            self.calls += 1
            with torch.no_grad():
                self.model.weight -= 0.1 * self.model.weight.grad  # the weight moves ...
            if self.calls == 3:
                raise KeyboardInterrupt  # ... and Ctrl-C comes before the bias does
            with torch.no_grad():
                self.model.bias -= 0.1 * self.model.bias.grad

    X, y = _problem(n=128)
    model = d2l.linear_model(2, seed=0)
    path = d2l.ParameterPath(model)
    h = d2l.train(model, nn.MSELoss(), HalfStep(model), (X, y), num_epochs=2, callbacks=[path])
    assert h.interrupted and len(h.step_loss) == 2
    flat = torch.cat([p.detach().reshape(-1) for p in model.parameters()])
    assert torch.equal(flat, path.tensor()[-1])  # the parameters after step 2, as a whole


def test_work_that_cannot_fit_is_refused_with_the_numbers():
    model = nn.Linear(1, 1)
    with pytest.raises(ValueError, match=r"num_epochs=1000000000000 with 1 minibatch.* GB"):
        d2l.train(
            model,
            nn.MSELoss(),
            torch.optim.SGD(model.parameters(), lr=0.1),
            (torch.zeros(4, 1), torch.zeros(4, 1)),
            num_epochs=10**12,
        )


def test_one_way_to_the_parameters_of_every_model():
    for model in (
        d2l.LinearRegressionScratch(2, seed=0),
        d2l.LinearRegressionManual(2, seed=0),
        d2l.linear_model(2, seed=0),
    ):
        assert len(list(model.parameters())) == 2 and set(model.state_dict()) <= {
            "w",
            "b",
            "weight",
            "bias",
        }
    scratch = d2l.LinearRegressionScratch(2, seed=0)
    assert [p is q for p, q in zip(scratch.parameters(), scratch.params, strict=True)] == [True] * 2
    opt = d2l.SGDScratch(scratch.parameters(), 0.06)
    scratch.double()  # .to() converts in place: the optimizer still holds the model's tensors
    assert scratch.w.dtype == torch.float64 and opt.params[0] is scratch.w


def test_huge_but_finite_parameters_are_not_called_diverged():
    from d2l_linreg.training.guards import LastFinite

    huge = torch.full((4,), 3e38)  # finite, but their sum overflows float32
    assert LastFinite([huge]).finite()
    assert not LastFinite([torch.tensor([1.0, float("nan")])]).finite()
    assert not LastFinite([torch.zeros(2), torch.tensor([float("-inf")])]).finite()
