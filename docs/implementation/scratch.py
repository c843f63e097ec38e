# ---
# jupyter:
#   jupytext:
#     formats: py:percent
#     text_representation:
#       extension: .py
#       format_name: percent
#   kernelspec:
#     display_name: Python 3
#     language: python
#     name: python3
# ---

# %% [markdown]
# # Training loop from scratch
#
# A training loop has four separable pieces: a **data iterator** that hands out minibatches, a
# **model** with parameters, a **loss** that scores its predictions, and an **optimizer** that
# updates the parameters. This page builds each piece by hand for linear regression — plain
# tensors instead of `nn.Linear`, a hand-written loss instead of `nn.MSELoss`, a manual update
# instead of `torch.optim.SGD` — and lets autograd compute only the gradients. Then it runs the
# loop on the [synthetic problem](../synthetic-data/) and checks that the parameters that
# generated the data come back.
#
# Every piece lives in the package `d2l_linreg`. Instead of retyping them, the cells below print
# the package's own code (without the docstrings), so what you read is exactly what runs.

# %%
# %matplotlib inline
import ast
import inspect
import textwrap

import torch

import d2l_linreg as d2l


def show(fn):
    """Print the source of a package function, without its docstring."""
    lines, _ = inspect.getsourcelines(fn)
    first = ast.parse(textwrap.dedent("".join(lines))).body[0].body[0]
    if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant):
        lines = lines[: first.lineno - 1] + lines[first.end_lineno :]  # drop it
    print(textwrap.dedent("".join(lines)))


# %% [markdown]
# ## The data
#
# One thousand examples with two features, drawn from $\mathbf y = \mathbf X \mathbf w^* + b^* +
# \boldsymbol\epsilon$ with $\mathbf w^* = (2, -3.4)^\top$, $b^* = 4.2$ and noise of standard
# deviation $0.01$. `features` has shape $(n, d) = (1000, 2)$ and `labels` shape $(1000, 1)$.

# %%
true_w, true_b = torch.tensor([2.0, -3.4]), 4.2
features, labels = d2l.synthetic_data(true_w, true_b, 1000, noise=0.01, seed=0)
print(features.shape, labels.shape)

# %% [markdown]
# ## Reading minibatches
#
# Each step of minibatch SGD looks at a small random set $\mathcal B$ of examples. The iterator
# shuffles the example indices once per epoch, then walks through them `batch_size` at a time,
# and uses each slice of indices to pick rows of `X` and `y`. The last batch is smaller when
# `batch_size` does not divide $n$: here $1000 = 31 \cdot 32 + 8$.

# %%
show(d2l.data_iter)

# %%
batch_sizes = [len(y) for X, y in d2l.data_iter(32, features, labels, seed=0)]
print(len(batch_sizes), "batches; sizes", batch_sizes[:2], "...", batch_sizes[-2:])
X, y = next(d2l.data_iter(4, features, labels, seed=0))
print(X, y, sep="\n")

# %% tags=["hide-cell"]
assert len(batch_sizes) == 32 and batch_sizes[-1] == 8 and 31 * 32 + 8 == 1000

# %% [markdown]
# ## Parameters that autograd tracks
#
# The parameters are two plain tensors: the weights $\mathbf w$ of shape $(d, 1)$, drawn from
# $\mathcal N(0, 0.01^2)$, and the bias $b$ of shape $(1,)$, starting at zero. Creating them with
# `requires_grad=True` asks autograd to record every operation on them, so that `backward()` can
# later fill in `w.grad` and `b.grad`. `LinearRegressionScratch` holds them as its parameters
# (`nn.Parameter` wraps a tensor without copying it; it prints as `Parameter containing:`), so
# that the package's training loop finds them with `model.parameters()`, as for any other model.

# %%
show(d2l.LinearRegressionScratch.__init__)

# %%
model = d2l.LinearRegressionScratch(2, seed=0)
w, b = model.w, model.b
print(w, b, sep="\n")

# %% [markdown]
# ## The model
#
# For a minibatch $\mathbf X_{\mathcal B}$ of shape $(|\mathcal B|, d)$, the predictions are
#
# $$
# \hat{\mathbf y} = \mathbf X_{\mathcal B} \mathbf w + b ,
# $$
#
# a matrix–vector product of shape $(|\mathcal B|, 1)$, plus the bias, which broadcasting adds
# to every row.

# %%
show(d2l.linreg)

# %% [markdown]
# ## The loss
#
# <!-- see: The model -->
#
# The squared loss of one example, with the residual $r^{(i)} = \hat y^{(i)} - y^{(i)}$, is
#
# $$
# l^{(i)}(\mathbf w, b) = \frac12 \left(r^{(i)}\right)^2 .
# $$
#
# The ½ does not move the minimizer; it makes the derivative clean: $\partial l^{(i)} / \partial
# \hat y^{(i)} = r^{(i)}$. The function returns one loss per example, shape $(|\mathcal B|, 1)$;
# reshaping `y` to the shape of `y_hat` prevents a target of shape $(|\mathcal B|,)$ from
# broadcasting into a $|\mathcal B| \times |\mathcal B|$ matrix (the
# [shape bug](../synthetic-data/#a-shape-bug) of the synthetic-data page).

# %%
show(d2l.squared_loss)

# %% [markdown]
# ## The optimizer
#
# Minibatch SGD moves each parameter against the gradient of the minibatch's mean loss:
#
# $$
# (\mathbf w, b) \leftarrow (\mathbf w, b) - \frac{\eta}{|\mathcal B|} \sum_{i \in \mathcal B}
# \nabla_{(\mathbf w, b)}\, l^{(i)}(\mathbf w, b) .
# $$
#
# D2L's `sgd` expects the gradient of the *summed* loss in `p.grad` and divides by the batch size
# itself. The update runs under `torch.no_grad()`, because it is not part of the model and must
# not be recorded; then the gradients are zeroed, because `backward()` adds to `.grad` rather than
# overwriting it.

# %%
show(d2l.sgd)

# %% [markdown]
# ## The loop, written out
#
# <!-- see: The optimizer --> <!-- see: Reading minibatches -->
#
# One epoch passes over every example once. For each minibatch: predict, compute the per-example
# losses, backpropagate their **sum** (so `w.grad` holds $\sum_{i \in \mathcal B} \nabla l^{(i)}$),
# and let `sgd` divide by the size of this batch. We pass `len(y)` rather than `batch_size`,
# because the last batch holds only 8 examples: dividing its summed gradient by 32 would shrink
# its step fourfold. After each epoch we print the mean loss on all the data.
#
# The settings: $\eta = 0.06$, batches of 32, five epochs — why $0.06$ and not the $0.03$ of the
# concise program is explained [below](#why-the-learning-rate-is-006).

# %%
lr, num_epochs, batch_size = 0.06, 5, 32
model = d2l.LinearRegressionScratch(2, seed=0)
w, b = model.w, model.b

for epoch in range(num_epochs):
    for X, y in d2l.data_iter(batch_size, features, labels, seed=epoch):
        y_hat = d2l.linreg(X, w, b)       # (|B|, 1) predictions
        l = d2l.squared_loss(y_hat, y)    # (|B|, 1) per-example losses
        l.sum().backward()                # w.grad, b.grad: gradients of the sum
        d2l.sgd([w, b], lr, len(y))       # p -= lr * p.grad / |B|; zero grads
    with torch.no_grad():
        train_l = d2l.squared_loss(d2l.linreg(features, w, b), labels)
    print(f"epoch {epoch + 1}, loss {float(train_l.mean()):.2g}")

# %% [markdown]
# The loss settles near $\frac12 \sigma^2 = 0.00005$, the floor set by the noise: even the true
# parameters leave residuals of size $\sigma$. Since we generated the data, we can compare the
# learned parameters with the true ones:

# %%
w_err = float((w.detach().reshape(-1) - true_w).abs().max())
b_err = float((b.detach() - true_b).abs().max())
print("learned w:", w.detach().reshape(-1), " true w:", true_w)
print("learned b:", b.detach(), " true b:", true_b)
print(f"max|w - w*| = {w_err:.4f}, |b - b*| = {b_err:.4f}")

# %% tags=["hide-cell"]
assert w_err < 0.01 and b_err < 0.01, (w_err, b_err)
assert abs(float(train_l.mean()) / (0.01**2 / 2) - 1) < 0.2, float(train_l.mean())  # the noise floor
assert f"{0.01**2 / 2:.5f}" == "0.00005"  # the floor as the prose writes it
explicit_w, explicit_b = w.detach().clone(), b.detach().clone()

# %% [markdown]
# Both errors are below $0.01$: the loop recovers the parameters that generated the data.
#
# ## The same loop through `d2l.train`
#
# The package has **one** training loop, `d2l.train`, used for every model on this site. Each
# step is `optimizer.zero_grad()` → forward → loss → `loss.backward()` → `optimizer.step()`. It
# averages a per-example loss such as `squared_loss` (it backpropagates the *mean*), so it is paired
# with `SGDScratch`, the same manual update without the division:
#
# $$
# \eta \, \nabla \Bigl( \frac{1}{|\mathcal B|} \sum_{i \in \mathcal B} l^{(i)} \Bigr)
# = \frac{\eta}{|\mathcal B|} \nabla \sum_{i \in \mathcal B} l^{(i)} :
# $$
#
# averaging the loss and dividing the summed gradient take identical steps. (Doing both — a mean
# loss *and* a division by the batch size — is the
# [averaging-twice pitfall](../../pitfalls/loss-averaging/).)

# %%
show(d2l.SGDScratch.step)

# %%
model = d2l.LinearRegressionScratch(2, seed=0)
optimizer = d2l.SGDScratch(model.params, lr=0.06)
history = d2l.train(model, d2l.squared_loss, optimizer, (features, labels),
                    num_epochs=5, batch_size=32, seed=0,
                    callbacks=[d2l.PrintLoss()])
w_err = float((model.w.detach().reshape(-1) - true_w).abs().max())
b_err = float((model.b.detach() - true_b).abs().max())
print(f"max|w - w*| = {w_err:.4f}, |b - b*| = {b_err:.4f}")

# %% [markdown]
# `d2l.train` draws its minibatches with `InMemoryLoader` (seeded here with `seed=0`), so it visits
# the examples in a different order than `data_iter` did above and ends at slightly different
# numbers. Given the *same* minibatches in the same order, the two loops take identical steps; a
# hidden cell of this page replays the written-out loop's batches through `d2l.train` and checks
# that the parameters agree after the last step. The loss printed per epoch is measured during the
# epoch, while the parameters are still moving (the mean loss over the epoch's examples, collected
# minibatch by minibatch, as the concise program prints it); the written-out loop measured it on
# all the data after the epoch.

# %% tags=["hide-cell"]
assert w_err < 0.01 and b_err < 0.01, (w_err, b_err)


class SameOrderAsLoop:
    """Epoch k yields data_iter(32, features, labels, seed=k), like the loop above."""

    def __init__(self):
        self.epoch = 0

    def __iter__(self):
        self.epoch += 1
        return d2l.data_iter(32, features, labels, seed=self.epoch - 1)


replay = d2l.LinearRegressionScratch(2, seed=0)
d2l.train(replay, d2l.squared_loss, d2l.SGDScratch(replay.params, lr=0.06),
          SameOrderAsLoop(), num_epochs=5)
# Same batches, same start: mean loss + SGDScratch and summed loss + sgd differ only in where the
# division by |B| happens, which float32 rounding can change in the last bit of a step.
assert (replay.w.detach() - explicit_w).abs().max() <= 1e-6
assert (replay.b.detach() - explicit_b).abs().max() <= 1e-6

# %% [markdown]
# The history holds the loss of every step and of every epoch. Plotted on a log scale, the loss
# falls by more than five orders of magnitude and, in the last two epochs, levels off at the noise
# floor $\frac12 \sigma^2$:

# %% alt="Two panels, both with a logarithmic loss axis. Left: the minibatch loss of each of the 160 steps falls steadily for about three epochs, then fluctuates around a low floor. Right: the mean training loss per epoch falls, then levels off over the last two epochs."
fig = d2l.plot_loss_curves(history, title="From scratch: ½-loss, lr 0.06")
fig

# %% tags=["hide-cell"]
assert len(history.step_loss) == 160 and len(history.train_loss) == 5  # "each of the 160 steps"
last_epoch = sum(history.step_loss[-32:]) / 32
assert history.step_loss[0] > 1e5 * last_epoch  # "more than five orders of magnitude"
assert history.train_loss[3] < 2 * history.train_loss[4]  # "levels off in the last two epochs"
assert abs(history.train_loss[4] / (0.01**2 / 2) - 1) < 0.2  # "at the noise floor"

# %% [markdown]
# ## Why the learning rate is 0.06
#
# <!-- see: Exercises -->
#
# The concise program of the source text trains with $\eta = 0.03$ for five epochs, but its loss
# is `nn.MSELoss`, the mean of $(\hat y - y)^2$ **without** the ½. Its gradient is twice ours, so
# at the same $\eta$ it takes steps twice as large. With our loss and $\eta = 0.03$, five epochs
# get only part of the way:

# %%
slow = d2l.LinearRegressionScratch(2, seed=0)
optimizer = d2l.SGDScratch(slow.params, lr=0.03)
d2l.train(slow, d2l.squared_loss, optimizer, (features, labels),
          num_epochs=5, batch_size=32, seed=0)
slow_w_err = float((slow.w.detach().reshape(-1) - true_w).abs().max())
slow_b_err = float((slow.b.detach() - true_b).abs().max())
print(f"lr = 0.03: max|w - w*| = {slow_w_err:.4f}, |b - b*| = {slow_b_err:.4f}")

# %% tags=["hide-cell"]
assert slow_w_err > 0.01 and slow_b_err > 0.01, (slow_w_err, slow_b_err)
# "running twice as many epochs at 0.03 would also do"
longer = d2l.LinearRegressionScratch(2, seed=0)
d2l.train(longer, d2l.squared_loss, d2l.SGDScratch(longer.params, lr=0.03), (features, labels),
          num_epochs=10, batch_size=32, seed=0)
assert (longer.w.detach().reshape(-1) - true_w).abs().max() < 0.01
assert (longer.b.detach() - true_b).abs().max() < 0.01

# %% [markdown]
# Both errors are above $0.01$. Doubling the learning rate to $0.06$ makes our steps exactly those
# of the concise program (the
# [comparison page](../scratch-vs-concise/) checks this step by step); running twice as many
# epochs at $0.03$ would also do. Neither choice is more correct: the ½ only rescales the learning
# rate. What matters is to state the settings with the loss they belong to.
#
# ## Exercises
#
# **1. Full-batch gradient descent.** Train with `batch_size=1000`: every step now uses the exact
# gradient of the empirical risk, but five epochs are only five steps. How close do you get at
# $\eta = 0.06$?

# %% tags=["solution"]
# Solution 1: five exact steps of size 0.06 barely leave the starting point.
full = d2l.LinearRegressionScratch(2, seed=0)
optimizer = d2l.SGDScratch(full.params, lr=0.06)
full_history = d2l.train(full, d2l.squared_loss, optimizer, (features, labels),
                         num_epochs=5, batch_size=1000, seed=0)
full_w_err = float((full.w.detach().reshape(-1) - true_w).abs().max())
print(f"{len(full_history.step_loss)} steps, max|w - w*| = {full_w_err:.2f}")

# %% tags=["hide-cell"]
assert len(full_history.step_loss) == 5 and full_w_err > 1

# %% [markdown]
# Minibatches of 32 take 32 steps per epoch for the same amount of arithmetic. Each step is
# noisier, but on this problem many cheap noisy steps beat a few exact ones by far.
#
# **2. Too large a learning rate.** Increase $\eta$ until training blows up. Where does it happen, <!-- structural: 2 -->
# and why there?

# %% tags=["solution"]
# Solution 2: the curvature (Hessian) of the mean ½-loss in (w, b) is A^T A / n with A = [X, 1],
# close to the identity here.
A = torch.cat([features, torch.ones(1000, 1)], dim=1)  # (n, d + 1): the bias is a parameter too
curvature = torch.linalg.eigvalsh(A.T @ A / 1000)  # (d + 1,)
print("eigenvalues of A^T A / n:", curvature)
for rate in [1.0, 1.5, 2.5]:
    m = d2l.LinearRegressionScratch(2, seed=0)
    h = d2l.train(m, d2l.squared_loss, d2l.SGDScratch(m.params, lr=rate),
                  (features, labels), num_epochs=5, batch_size=32, seed=0)
    print(f"lr {rate}: diverged {h.diverged}, last loss {h.step_loss[-1]:.2g}")

# %% tags=["hide-cell"]
assert (curvature - 1).abs().max() < 0.15  # "close to the identity"
assert 1.5 < 2 / float(curvature.max()) < 2.5  # the limit 2 / lambda_max lies between 1.5 and 2.5

# %% [markdown]
# The loss is quadratic in $(\mathbf w, b)$. Along an eigenvector of its Hessian
# $\mathbf A^\top \mathbf A / n$ with eigenvalue (curvature) $\lambda$, a full gradient step
# multiplies the error by $1 - \eta\lambda$; minibatch steps do the same on average. The error
# shrinks while $|1 - \eta\lambda| < 1$, that is, for $\eta < 2/\lambda$, and the largest
# $\lambda$ sets the limit. All three eigenvalues are close to 1, so the limit is near
# $\eta = 2$: at $1.0$ and $1.5$ training still converges, at $2.5$ the error grows at every step
# until the loss overflows and `d2l.train` stops with `history.diverged` set. (With the ½-less
# `nn.MSELoss`, the curvature doubles and the limit halves.)
