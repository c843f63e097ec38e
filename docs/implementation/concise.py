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
# # Concise implementation
#
# The [from-scratch loop](../scratch/) wrote every piece by hand. PyTorch ships each of them:
# `nn.Linear` holds the parameters and computes $\mathbf X \mathbf w + b$, `nn.MSELoss` is the
# squared loss, `torch.optim.SGD` is the update, and `DataLoader` shuffles and batches the data.
# Put together, the whole of linear regression is the short program below — the reference program
# of the text this site follows. It runs here exactly as written.
#
# ## The reference program

# %%
import torch
from torch import nn
from torch.utils.data import DataLoader, TensorDataset

torch.manual_seed(0)

n, d = 1000, 2
true_w = torch.tensor([[2.0], [-3.4]])
true_b = 4.2

X = torch.randn(n, d)
y = X @ true_w + true_b + 0.01 * torch.randn(n, 1)

loader = DataLoader(TensorDataset(X, y), batch_size=32, shuffle=True)

model = nn.Linear(d, 1)
loss_fn = nn.MSELoss()
optimizer = torch.optim.SGD(model.parameters(), lr=0.03)

for epoch in range(5):
    total_loss = 0.0
    for xb, yb in loader:
        pred = model(xb)
        loss = loss_fn(pred, yb)

        optimizer.zero_grad()
        loss.backward()
        optimizer.step()

        total_loss += loss.item() * xb.shape[0]

    print(epoch, f"{total_loss / n:.3g}")  # 3 significant digits: float32 rounding moves the rest

print("learned weight:", model.weight.data)
print("learned bias:", model.bias.data)

# %% [markdown]
# Line by line:
#
# * `torch.manual_seed(0)` fixes PyTorch's global random state, so the data, the initial weights
#   of `nn.Linear` and the shuffling order are the same on every run.
# * `X` is a $(1000, 2)$ matrix of standard normal features and `y` the $(1000, 1)$ column
#   $\mathbf X \mathbf w_\text{true} + b_\text{true} + \boldsymbol\epsilon$ with noise of standard deviation $0.01$:
#   the [synthetic problem](../synthetic-data/).
# * `DataLoader(TensorDataset(X, y), batch_size=32, shuffle=True)` draws a new random order at
#   every epoch and yields minibatches of 32 examples (the last one has 8).
# * `nn.Linear(d, 1)` holds a weight $\mathbf W = \mathbf w^\top$ of shape $(1, d)$ — one row, so <!-- structural: 1 -->
#   it computes $\mathbf X \mathbf W^\top + b = \mathbf X \mathbf w + b$ — and a bias of shape
#   $(1,)$, both registered as parameters.
# * `nn.MSELoss()` averages $(\hat y - y)^2$ over the minibatch. There is **no ½**: its gradient
#   is twice the gradient of the ½-loss used on the other pages
#   ([why](../../theory/loss-and-risk/#half-scales-the-gradient)).
# * Each step clears the old gradients, backpropagates the minibatch loss and lets the optimizer
#   apply $\theta \leftarrow \theta - \eta \nabla_\theta L_{\mathcal B}$ with $\eta = 0.03$.
# * `loss.item() * xb.shape[0]` turns each minibatch mean back into a sum, so that dividing by
#   $n$ gives the mean loss over the epoch's examples, even with the smaller last batch. The
#   printed loss is measured *during* the epoch, while the parameters are still moving.
#
# The printed weight and bias are within $0.01$ of $\mathbf w_\text{true} = (2, -3.4)$ and $b_\text{true} = 4.2$, and
# the last epoch's loss is close to $\sigma^2 = 0.0001$, the mean squared noise: without the ½,
# that is the floor a perfect fit reaches.

# %% tags=["hide-cell"]
learned_w, learned_b = model.weight.data.reshape(-1), model.bias.data
assert (learned_w - true_w.reshape(-1)).abs().max() < 0.01, learned_w
assert (learned_b - true_b).abs().max() < 0.01, learned_b
last_epoch_loss = total_loss / n
assert abs(last_epoch_loss / 0.01**2 - 1) < 0.2, last_epoch_loss  # "close to sigma^2 = 0.0001"
assert f"{0.01**2:.4f}" == "0.0001"
assert len(xb) == 8, len(xb)  # the loop's last minibatch: 1000 examples are 31 batches of 32 and 8

# %% [markdown]
# ## The same program with the package
#
# `d2l_linreg` wraps each piece in a function with a seed, so that nothing depends on the global
# random state:
#
# | reference program | package |
# |---|---|
# | `torch.manual_seed(0)`, `X = torch.randn(n, d)`, `y = X @ true_w + ...` | `d2l.synthetic_data(true_w, true_b, n, seed=0)` — the same numbers |
# | `DataLoader(TensorDataset(X, y), batch_size=32, shuffle=True)` | `d2l.InMemoryLoader(X, y, batch_size=32, seed=0)` (or `d2l.load_array`) |
# | `nn.Linear(d, 1)`, `nn.MSELoss()`, `torch.optim.SGD(..., lr=0.03)` | `d2l.concise_setup(d, lr=0.03, seed=0)` |
# | the two `for` loops | `d2l.train(model, loss_fn, optimizer, loader, num_epochs=5)` |
# | `print(epoch, f"{total_loss / n:.3g}")` | the callback `d2l.PrintLoss()` |
#
# First, the data: with `seed=0`, `synthetic_data` draws in the same order as the program, from a
# private generator seeded with `seed=0`, so it reproduces `X` and `y` bit for bit.

# %%
import d2l_linreg as d2l

features, labels = d2l.synthetic_data([2.0, -3.4], 4.2, n, noise=0.01, seed=0)
print(torch.equal(features, X), torch.equal(labels, y))

# %% tags=["hide-cell"]
assert torch.equal(features, X) and torch.equal(labels, y)

# %% [markdown]
# `concise_setup` returns the program's three objects. One thing differs: the linear layer is
# initialised the way D2L does it, weights drawn from $\mathcal N(0, 0.01^2)$ and bias zero,
# from a seeded generator, instead of PyTorch's default uniform initialisation from the global
# state. `InMemoryLoader` shuffles with one permutation per epoch and slices the tensors, without
# the `DataLoader`'s per-example collation. `d2l.train` runs the same step as the program
# (`zero_grad` → forward → loss → `backward` → `step`; the program clears the gradients a line later,
# which changes nothing) and reports the same epoch loss.

# %%
net, loss_fn, optimizer = d2l.concise_setup(2, lr=0.03, seed=0)
print(net, loss_fn, optimizer, sep="\n")

# %%
loader = d2l.InMemoryLoader(features, labels, batch_size=32, seed=0)
history = d2l.train(net, loss_fn, optimizer, loader, num_epochs=5,
                    callbacks=[d2l.PrintLoss()])
print("learned weight:", net.weight.data)
print("learned bias:", net.bias.data)

# %% tags=["hide-cell"]
assert (net.weight.data.reshape(-1) - true_w.reshape(-1)).abs().max() < 0.01
assert (net.bias.data - true_b).abs().max() < 0.01
assert abs(history.train_loss[-1] / 0.01**2 - 1) < 0.2

# %% [markdown]
# The initial weights and the order of the minibatches differ from the program's, so the printed
# losses differ in their digits, but the run tells the same story: after five epochs the
# parameters are within $0.01$ of the truth and the loss sits at the noise floor.
#
# ## Exercises
#
# **1. Reproducibility.** Run the reference program's training part twice without calling
# `torch.manual_seed` in between: do the two runs agree? Then train twice with the package,
# with the same seeds. (Hint: the program draws its initial weights and its shuffling order from
# the global random state.)

# %% tags=["solution"]
# Solution 1: the global random state moves on, so two runs of the program differ;
# the package's seeds make two runs identical.
def reference_run():
    model = nn.Linear(d, 1)
    optimizer = torch.optim.SGD(model.parameters(), lr=0.03)
    for xb, yb in DataLoader(TensorDataset(X, y), batch_size=32, shuffle=True):
        loss = nn.MSELoss()(model(xb), yb)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    return model.weight.data.clone()


def package_run():
    net, loss_fn, optimizer = d2l.concise_setup(2, lr=0.03, seed=0)
    d2l.train(net, loss_fn, optimizer, (features, labels), num_epochs=1, seed=0)
    return net.weight.data.clone()


print("program, twice:", torch.equal(reference_run(), reference_run()))
print("package, twice:", torch.equal(package_run(), package_run()))

# %% tags=["hide-cell"]
assert not torch.equal(reference_run(), reference_run())
assert torch.equal(package_run(), package_run())

# %% [markdown]
# **2. Swap the model.** The training call does not care what the model is. Replace the linear
# layer by a small MLP, `d2l.mlp(2, hidden=64, depth=1, seed=0)`, and train it with the same call.
# How does its loss after five epochs compare with the linear model's, on data that is exactly
# linear?

# %% tags=["solution"]
# Solution 2: the same call trains the MLP, but on linear data it fits worse than the linear model
# in the same five epochs: it must learn with 64 ReLU units what one linear layer states exactly.
mlp_net = d2l.mlp(2, hidden=64, depth=1, seed=0)
mlp_optimizer = torch.optim.SGD(mlp_net.parameters(), lr=0.03)
mlp_history = d2l.train(mlp_net, nn.MSELoss(), mlp_optimizer,
                        (features, labels), num_epochs=5, seed=0)
print(f"final loss: linear model {history.train_loss[-1]:.2g},"
      f" MLP {mlp_history.train_loss[-1]:.2g}")

# %% tags=["hide-cell"]
assert mlp_history.train_loss[-1] > 10 * history.train_loss[-1]

# %% [markdown]
# A more flexible model is not automatically a better one, at least not in the same training
# budget. This compares two training losses after five epochs on data that is exactly linear, which
# is only a first hint; comparing models properly means measuring each on data held out from
# training, against the error of a simple reference model, the
# [baseline](../../beyond/baselines/).
