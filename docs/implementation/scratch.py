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
# updates the parameters. This page writes each piece as a few lines of code — plain tensors
# instead of `nn.Linear`, a hand-written loss instead of `nn.MSELoss`, a manual update instead of
# `torch.optim.SGD` — and lets autograd compute only the gradients. Then it runs the loop on the
# [synthetic problem](../synthetic-data/) and checks that the parameters that generated the data
# come back.
#
# The code cells are meant to be copied: pasted in order into a fresh Python session, they train
# the model. The package `d2l_linreg` keeps the same pieces for the rest of the site; hidden cells
# of this page check that each definition below behaves exactly like the package's version.

# %%
# %matplotlib inline
import torch

import d2l_linreg as d2l

# %% [markdown]
# ## The data
#
# One thousand examples with two features, drawn from $\mathbf y = \mathbf X \mathbf w_\text{true} + b_\text{true} +
# \boldsymbol\epsilon$ with $\mathbf w_\text{true} = (2, -3.4)^\top$, $b_\text{true} = 4.2$ and noise of standard
# deviation $0.01$. `features` has shape $(n, d) = (1000, 2)$ and `labels` shape $(1000, 1)$.

# %%
true_w, true_b = torch.tensor([2.0, -3.4]), 4.2
features, labels = d2l.synthetic_data(true_w, true_b, 1000, noise=0.01, seed=0)
print(features.shape, labels.shape)

# %% [markdown]
# ## Reading minibatches
#
# Each step of minibatch SGD looks at a small random set $\mathcal B$ of examples. The iterator
# draws a random order of the example indices (from a generator seeded with `seed`, so that the
# order can be reproduced), walks through that order `batch_size` indices at a time, and uses each
# slice to pick rows of `X` and `y`. The last batch is smaller when `batch_size` does not divide
# $n$: here $1000 = 31 \cdot 32 + 8$. One call is one epoch; the next epoch calls it again with
# another seed.

# %%
def data_iter(batch_size, X, y, seed):
    """Yield minibatches (X_B, y_B) in a random order; the last one may be smaller."""
    n = len(X)
    order = torch.randperm(n, generator=torch.Generator().manual_seed(seed))
    for start in range(0, n, batch_size):
        batch = order[start : start + batch_size]  # the indices of this minibatch
        yield X[batch], y[batch]


# %%
batch_sizes = [len(y) for X, y in data_iter(32, features, labels, seed=0)]
print(len(batch_sizes), "batches; sizes", batch_sizes[:2], "...", batch_sizes[-2:])
X, y = next(data_iter(4, features, labels, seed=0))
print(X, y, sep="\n")

# %% tags=["hide-cell"]
assert len(batch_sizes) == 32 and batch_sizes[-1] == 8 and 31 * 32 + 8 == 1000
# data_iter is the package's d2l.data_iter: the same minibatches, bit for bit.
for size, seed in [(32, 0), (32, 4), (7, 1), (1000, 2), (1, 3)]:
    ours = list(data_iter(size, features, labels, seed=seed))
    package = list(d2l.data_iter(size, features, labels, seed=seed))
    assert len(ours) == len(package) == -(-1000 // size)
    for (X_a, y_a), (X_p, y_p) in zip(ours, package, strict=True):
        assert torch.equal(X_a, X_p) and torch.equal(y_a, y_p)

# %% [markdown]
# ## Parameters that autograd tracks
#
# The parameters are two plain tensors: the weights $\mathbf w$ of shape $(d, 1)$, drawn from
# $\mathcal N(0, 0.01^2)$, and the bias $b$ of shape $(1,)$, starting at zero. Creating them with <!-- structural: 1 -->
# `requires_grad=True` asks autograd to record every operation on them, so that `backward()` can
# later fill in `w.grad` and `b.grad`.

# %%
def init_params(num_inputs, sigma=0.01, seed=0):
    """Weights w (num_inputs, 1) drawn from N(0, sigma²) and bias b (1,) = 0, for autograd."""
    gen = torch.Generator().manual_seed(seed)
    w = (sigma * torch.randn(num_inputs, 1, generator=gen)).requires_grad_(True)
    b = torch.zeros(1, requires_grad=True)
    return w, b


w, b = init_params(2, seed=0)
print(w, b, sep="\n")

# %% tags=["hide-cell"]
# init_params draws the parameters of the package's d2l.LinearRegressionScratch, bit for bit.
for d, sigma, seed in [(2, 0.01, 0), (5, 0.1, 3), (1, 1.0, 7)]:
    w_ours, b_ours = init_params(d, sigma, seed=seed)
    twin = d2l.LinearRegressionScratch(d, sigma, seed=seed)
    assert torch.equal(w_ours, twin.w) and torch.equal(b_ours, twin.b)
    assert w_ours.requires_grad and b_ours.requires_grad and w_ours.is_leaf and b_ours.is_leaf

# %% [markdown]
# ## The model
#
# For a minibatch $\mathbf X_{\mathcal B}$ of shape $(|\mathcal B|, d)$, the predictions are
#
# $$
# \hat{\mathbf y} = \mathbf X_{\mathcal B} \mathbf w + b ,
# $$
#
# a matrix–vector product of shape $(|\mathcal B|, 1)$, plus the bias, which broadcasting adds <!-- structural: 1 -->
# to every row.

# %%
def linreg(X, w, b):
    """The linear model: predictions X w + b, shape (n, 1)."""
    return X @ w + b  # (n, d) @ (d, 1) -> (n, 1); b is added to every row


# %% tags=["hide-cell"]
# linreg is the package's d2l.linreg, bit for bit.
gen = torch.Generator().manual_seed(11)
for n, d in [(4, 2), (33, 5), (1, 1)]:
    X_r, w_r, b_r = torch.randn(n, d, generator=gen), torch.randn(d, 1, generator=gen), torch.randn(1, generator=gen)
    assert torch.equal(linreg(X_r, w_r, b_r), d2l.linreg(X_r, w_r, b_r))
assert torch.equal(linreg(features, w, b), d2l.linreg(features, w, b))

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
def squared_loss(y_hat, y):
    """Per-example squared loss ½ (y_hat - y)², shape (n, 1)."""
    return (y_hat - y.reshape(y_hat.shape)) ** 2 / 2


# %% tags=["hide-cell"]
# squared_loss is the package's d2l.squared_loss, bit for bit, for column and flat targets.
gen = torch.Generator().manual_seed(12)
for n in [1, 8, 32]:
    y_hat_r, y_r = torch.randn(n, 1, generator=gen), torch.randn(n, 1, generator=gen)
    assert torch.equal(squared_loss(y_hat_r, y_r), d2l.squared_loss(y_hat_r, y_r))
    assert torch.equal(squared_loss(y_hat_r, y_r.reshape(-1)), d2l.squared_loss(y_hat_r, y_r.reshape(-1)))
    assert squared_loss(y_hat_r, y_r.reshape(-1)).shape == (n, 1)

# %% [markdown]
# ## The optimizer
#
# Minibatch SGD moves each parameter against the gradient of the minibatch's **mean** loss:
#
# $$
# L_{\mathcal B}(\mathbf w, b) = \frac{1}{|\mathcal B|} \sum_{i \in \mathcal B} l^{(i)}(\mathbf w, b),
# \qquad
# (\mathbf w, b) \leftarrow (\mathbf w, b) - \eta\, \nabla_{(\mathbf w, b)} L_{\mathcal B}(\mathbf w, b) .
# $$
#
# The loop below averages the per-example losses before `backward()`, so `w.grad` and `b.grad`
# already hold the gradient of the mean, and the step is a plain subtraction. It runs under
# `torch.no_grad()`, because the update is not part of the model and must not be recorded.
# `zero_grad` clears the gradients before the next `backward()`, which adds to `.grad` rather
# than overwriting it. The class has the two methods of a PyTorch optimizer, so the loop reads
# like the [concise one](../concise/).
#
# This is the convention of PyTorch (`nn.MSELoss` averages, `torch.optim.SGD` subtracts) and of
# current D2L, whose from-scratch loss returns the minibatch mean and whose `SGD` class subtracts
# `lr * param.grad`. Earlier D2L editions summed the per-example losses instead and divided by the
# batch size inside `sgd(params, lr, batch_size)`. Either convention alone takes the same steps;
# mixing the two does not, as [averaging the loss twice](../../pitfalls/loss-averaging/) shows.

# %%
class SGD:
    """Minibatch SGD for a mean loss: p -= lr * p.grad for every parameter p."""

    def __init__(self, params, lr):
        self.params, self.lr = list(params), lr

    def step(self):
        with torch.no_grad():
            for p in self.params:
                p -= self.lr * p.grad

    def zero_grad(self):
        for p in self.params:
            if p.grad is not None:
                p.grad.zero_()


# %% tags=["hide-cell"]
# SGD takes the steps of the package's d2l.SGDScratch, bit for bit, and zeroes the same way.
gen = torch.Generator().manual_seed(13)
ours = [torch.randn(3, 1, generator=gen).requires_grad_(), torch.randn(1, generator=gen).requires_grad_()]
twins = [p.detach().clone().requires_grad_() for p in ours]
opt_ours, opt_twin = SGD(ours, lr=0.06), d2l.SGDScratch(twins, lr=0.06)
X_r = torch.randn(8, 3, generator=gen)
y_r = torch.randn(8, 1, generator=gen)
for _ in range(3):
    for opt, (w_p, b_p) in [(opt_ours, ours), (opt_twin, twins)]:
        opt.zero_grad()
        squared_loss(linreg(X_r, w_p, b_p), y_r).mean().backward()
        opt.step()
    assert all(torch.equal(p, q) and torch.equal(p.grad, q.grad) for p, q in zip(ours, twins))
opt_ours.zero_grad()
opt_twin.zero_grad()
assert all(torch.equal(p.grad, torch.zeros_like(p)) for p in ours + twins)

# %% [markdown]
# ## The loop, written out
#
# <!-- see: Reading minibatches --> <!-- see: Why the learning rate is 0.06 -->
#
# One epoch passes over every example once. For each minibatch: clear the old gradients, predict,
# average the per-example losses, backpropagate that mean (so `w.grad` holds
# $\nabla_{\mathbf w} L_{\mathcal B}$), and step. The last minibatch of an epoch holds only 8
# examples; its mean is over those 8, so its step counts as much as the others'. After each epoch <!-- from: 32 batches -->
# we print the mean loss on all the data.
#
# The settings: $\eta = 0.06$, batches of 32, five epochs — why $0.06$ and not the $0.03$ of the
# concise program is explained [below](#why-the-learning-rate-is-006).

# %%
lr, num_epochs, batch_size = 0.06, 5, 32
w, b = init_params(2, seed=0)
optimizer = SGD([w, b], lr)

for epoch in range(num_epochs):
    for X, y in data_iter(batch_size, features, labels, seed=epoch):
        optimizer.zero_grad()
        l = squared_loss(linreg(X, w, b), y).mean()  # L_B, the minibatch's mean loss
        l.backward()                                 # w.grad, b.grad: the gradient of L_B
        optimizer.step()                             # p -= lr * p.grad
    with torch.no_grad():
        train_l = squared_loss(linreg(features, w, b), labels).mean()
    print(f"epoch {epoch + 1}, loss {float(train_l):.2g}")

# %% [markdown]
# The loss settles near the [noise floor](../../theory/probabilistic-view/)
# $\frac12 \sigma^2 = 0.00005$. Since we generated the data, we can compare the learned parameters
# with the true ones:

# %%
w_err = float((w.detach().reshape(-1) - true_w).abs().max())
b_err = float((b.detach() - true_b).abs().max())
print("learned w:", [round(v, 3) for v in w.detach().reshape(-1).tolist()],
      " true w:", [round(v, 3) for v in true_w.tolist()])
print("learned b:", round(float(b.detach()), 3), " true b:", true_b)
print(f"max|w - w_true| < 0.001: {w_err < 0.001}, |b - b_true| < 0.001: {b_err < 0.001}")

# %% tags=["hide-cell"]
assert w_err < 0.01 and b_err < 0.01, (w_err, b_err)
assert abs(float(train_l) / (0.01**2 / 2) - 1) < 0.2, float(train_l)  # the noise floor
assert f"{0.01**2 / 2:.5f}" == "0.00005"  # the floor as the prose writes it
explicit_w, explicit_b = w.detach().clone(), b.detach().clone()

# %% [markdown]
# Both errors are below $0.001$, well within the $0.01$ this site asks of a recovered parameter:
# the loop gives back the parameters that generated the data.
#
# ## The same loop in the package
#
# The package keeps these pieces so that later pages do not retype them: `d2l.data_iter`,
# `d2l.linreg` and `d2l.squared_loss` are the functions above, and `d2l.SGDScratch` is the class
# `SGD`. `d2l.LinearRegressionScratch(2, seed=0)` makes the `w` and `b` of `init_params(2, seed=0)`
# and holds them as the parameters of an `nn.Module` (`nn.Parameter` wraps a tensor without copying
# it), whose forward pass is `linreg`; `model.params` lists them. And `d2l.train` is the loop: the
# package has **one** training loop, used for every model on this site, and its step is the one
# above, `zero_grad` → forward → loss → mean → `backward` → `step`. Given a tuple `(X, y)`, it
# draws its minibatches with `d2l.InMemoryLoader`, seeded with `seed`, and returns a `History`
# that holds the loss of each step and of each epoch.

# %%
model = d2l.LinearRegressionScratch(2, seed=0)
optimizer = d2l.SGDScratch(model.params, lr=0.06)
history = d2l.train(model, d2l.squared_loss, optimizer, (features, labels),
                    num_epochs=5, batch_size=32, seed=0)
print("loss per epoch:", [f"{loss:.1g}" for loss in history.train_loss])
w_err = float((model.w.detach().reshape(-1) - true_w).abs().max())
b_err = float((model.b.detach() - true_b).abs().max())
print(f"max|w - w_true| < 0.001: {w_err < 0.001}, |b - b_true| < 0.001: {b_err < 0.001}")

# %% [markdown]
# `InMemoryLoader` visits the examples in another order than `data_iter` did above, so the run
# ends at slightly different numbers. Given the *same* minibatches in the same order, the two
# loops take identical steps: a hidden cell of this page replays the written-out loop's batches
# through `d2l.train` and checks that the parameters are equal, bit for bit, after the last step.
# The loss printed per epoch is measured during the epoch, while the parameters are still moving
# (the mean loss over the epoch's examples, collected minibatch by minibatch, as the concise
# program prints it); the written-out loop measured it on all the data after the epoch.

# %% tags=["hide-cell"]
assert w_err < 0.01 and b_err < 0.01, (w_err, b_err)


class SameOrderAsLoop:
    """Epoch k yields data_iter(32, features, labels, seed=k), like the loop above."""

    def __init__(self):
        self.epoch = 0

    def __iter__(self):
        self.epoch += 1
        return data_iter(32, features, labels, seed=self.epoch - 1)


# The page's pieces and the package's, from the same seed and on the same minibatches: the same
# parameters after every epoch, bit for bit.
for epochs in (1, 2, 5):
    replay = d2l.LinearRegressionScratch(2, seed=0)
    d2l.train(replay, d2l.squared_loss, d2l.SGDScratch(replay.params, lr=0.06),
              SameOrderAsLoop(), num_epochs=epochs)
    w_page, b_page = init_params(2, seed=0)
    page_optimizer = SGD([w_page, b_page], 0.06)
    for epoch in range(epochs):
        for X_B, y_B in data_iter(32, features, labels, seed=epoch):
            page_optimizer.zero_grad()
            squared_loss(linreg(X_B, w_page, b_page), y_B).mean().backward()
            page_optimizer.step()
    assert torch.equal(replay.w, w_page) and torch.equal(replay.b, b_page), epochs
assert torch.equal(w_page.detach(), explicit_w) and torch.equal(b_page.detach(), explicit_b)

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
# The concise program of the source text trains with $\eta = 0.03$ for five epochs, but its loss,
# `nn.MSELoss`, has no ½, so at the same $\eta$ it takes steps twice as large as ours
# ([why](../../theory/loss-and-risk/#half-scales-the-gradient)). With our loss and $\eta = 0.03$,
# five epochs get only part of the way:

# %%
slow = d2l.LinearRegressionScratch(2, seed=0)
optimizer = d2l.SGDScratch(slow.params, lr=0.03)
d2l.train(slow, d2l.squared_loss, optimizer, (features, labels),
          num_epochs=5, batch_size=32, seed=0)
slow_w_err = float((slow.w.detach().reshape(-1) - true_w).abs().max())
slow_b_err = float((slow.b.detach() - true_b).abs().max())
print(f"lr = 0.03: max|w - w_true| = {slow_w_err:.4f}, |b - b_true| = {slow_b_err:.4f}")

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
print(f"{len(full_history.step_loss)} steps, max|w - w_true| = {full_w_err:.2f}")

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
# $\mathbf A^\top \mathbf A / n$ with eigenvalue (curvature) $\mu$, a full gradient step
# multiplies the error by $1 - \eta\mu$; minibatch steps do the same on average. The error
# shrinks while $|1 - \eta\mu| < 1$, that is, for $\eta < 2/\mu$, and the largest
# $\mu$ sets the limit. All three eigenvalues are close to 1, so the limit is near
# $\eta = 2$: at $1.0$ and $1.5$ training still converges, at $2.5$ the error grows at every step
# until the loss overflows and `d2l.train` stops with `history.diverged` set. (With the ½-less
# `nn.MSELoss`, the curvature doubles and the limit halves.)

# %% [markdown]
# **3. A sign error.** Write an optimizer that adds the gradient instead of subtracting it
# (`p += lr * p.grad`) and train with it. What happens to the training loss and to the
# recovered parameters? <!-- structural: 3 -->

# %% tags=["solution"]
# Solution 3: every step climbs the loss, so the parameters run away from w_true.
class AscentSGD(SGD):
    def step(self):
        with torch.no_grad():
            for p in self.params:
                p += self.lr * p.grad  # the bug: + instead of -


for rate in [0.06, 0.5]:
    up = d2l.LinearRegressionScratch(2, seed=0)
    h = d2l.train(up, d2l.squared_loss, AscentSGD(up.params, rate), (features, labels),
                  num_epochs=5, batch_size=32, seed=0)
    growth = [later / earlier for earlier, later in zip(h.train_loss, h.train_loss[1:])]
    up_w_err = float((up.w.detach().reshape(-1) - true_w).abs().max())
    print(f"lr {rate}: epochs run {h.num_epochs}, loss grows over 10-fold per epoch:"
          f" {min(growth) > 10}, max|w - w_true| > 1000: {up_w_err > 1000}, diverged: {h.diverged}")

# %% [markdown]
# The loss grows by orders of magnitude each epoch and the weights end thousands away from
# $\mathbf w_\text{true}$. With the larger rate, the loss overflows to infinity in the fourth epoch, and
# `d2l.train` stops there with `history.diverged` set (keeping the last finite parameters).
#
# **4. The shape bug, trained.** The [synthetic-data page](../synthetic-data/#a-shape-bug) showed <!-- structural: 4 -->
# that a loss without the reshape, fed flat targets of shape $(n,)$, scores a constant guess
# better than the true parameters. Train with it in the loop of this page. Where do the
# parameters end? What does `d2l.train` do with such targets?

# %% tags=["solution"]
# Solution 4: the weights stay near zero and the bias near the mean of y: a constant guess.
def naive_loss(y_hat, y):
    return (y_hat - y) ** 2 / 2  # no reshape: y of shape (|B|,) broadcasts to (|B|, |B|)


flat_labels = labels.reshape(-1)  # (1000,)
w, b = init_params(2, seed=0)
optimizer = SGD([w, b], lr)
for epoch in range(num_epochs):
    for X, y in data_iter(batch_size, features, flat_labels, seed=epoch):
        optimizer.zero_grad()
        naive_loss(linreg(X, w, b), y).mean().backward()
        optimizer.step()
with torch.no_grad():
    stuck = float(squared_loss(linreg(features, w, b), labels).mean())
print(f"max|w| = {float(w.detach().abs().max()):.2f}, b = {float(b.detach()):.2f},"
      f" mean of y = {float(labels.mean()):.2f}")
print(f"loss over 1000 times the noise floor: {stuck > 1000 * 0.01**2 / 2}")

X_B, y_B = features[:32], flat_labels[:32]
model = d2l.LinearRegressionScratch(2, seed=0)
try:
    d2l.train(model, naive_loss, d2l.SGDScratch(model.params, lr), [(X_B, y_B)], num_epochs=1)
except ValueError as err:
    print(err)

# %% tags=["hide-cell"]
assert float(w.detach().abs().max()) < 0.2 and abs(float(b.detach()) - float(labels.mean())) < 0.2
assert stuck > 1000 * 0.01**2 / 2

# %% [markdown]
# Nothing crashes and the loss goes down, then stalls: on real data this run would look like "the
# features are not predictive". On the controlled problem it is unmistakable: the loss stalls over
# a thousand times above the noise floor, and $\mathbf w$ is nowhere near $\mathbf w_\text{true}$. The bug
# is in the code. `d2l.train` compares the shapes of predictions and targets before any loss sees
# them, and names the fix.
