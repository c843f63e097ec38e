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
# # Not shuffling
#
# Data files are rarely in random order. Sales are sorted by date, houses by price, patients by
# the day they came in. Minibatch SGD assumes that each minibatch is a *random* sample of the
# training set, so that its gradient is an unbiased estimate of the full gradient. Read the
# file in order and that assumption breaks: consecutive minibatches all push the parameters the
# same way, and the model ends every epoch tuned to whatever came last. Symbols as on the [notation](../../notation/) page.
#
# This page makes the bug on purpose and measures it. The only difference between the two runs
# below is `shuffle=False` in the loader given to the package's `train`.

# %%
# %matplotlib inline
import torch
from matplotlib.figure import Figure

import d2l_linreg as d2l

# %% [markdown]
# ## Data sorted by target
#
# <!-- see: Two runs, one difference -->
#
# The running example, $y = 2x_1 - 3.4x_2 + 4.2 + \epsilon$, with realistic noise
# $\epsilon \sim \mathcal N(0, 1)$. We take a random 20 % for validation first, then sort the
# 800 training rows by their target, like a file sorted by price:

# %%
true_b = 4.2
X, y = d2l.synthetic_data([2.0, -3.4], true_b, 1000, noise=1.0, seed=0)
(X_train, y_train), val = d2l.train_val_split(X, y, 0.2, seed=0)
X_sorted, y_sorted = d2l.pitfalls.sort_by_target(X_train, y_train)
print("first targets:", [round(v, 1) for v in y_sorted[:4, 0].tolist()])
print("last targets: ", [round(v, 1) for v in y_sorted[-4:, 0].tolist()])

# %% [markdown]
# ## Two runs, one difference
#
# Both runs use the linear model, the ½ squared loss, SGD with learning rate 0.3, batches of 32 <!-- from: def run(shuffle) -->
# and 5 epochs. `d2l.ParameterPath` is a callback that records $(w_1, w_2, b)$ after every step.
# `d2l.InMemoryLoader(..., shuffle=True)` draws a new random order every epoch (this is what
# `train` does by itself when given a tuple `(X, y)`); with `shuffle=False` it reads the rows in
# file order.

# %%
def run(shuffle):
    loader = d2l.InMemoryLoader(X_sorted, y_sorted, batch_size=32, shuffle=shuffle, seed=0)
    model = d2l.linear_model(2, seed=0)
    path = d2l.ParameterPath(model)
    optimizer = torch.optim.SGD(model.parameters(), lr=0.3)
    history = d2l.train(model, d2l.squared_loss, optimizer, loader, num_epochs=5,
                        val_data=val, callbacks=[path])
    return history, path.tensor()  # path: (steps + 1, 3) rows (w1, w2, b)


runs = {"shuffled": run(True), "file order": run(False)}
steps_per_epoch = 25  # 800 rows / 32
for name, (history, path) in runs.items():
    b = path[:, -1]
    swing = b[-steps_per_epoch:].max() - b[-steps_per_epoch:].min()
    print(f"{name:10}  validation loss {history.val_loss[-1]:.3f}   "
          f"b - b* = {b[-1] - true_b:+.2f}   b moves by {swing:.2f} within the last epoch")

# %% tags=["hide-cell"]
import math

(h_good, p_good), (h_bad, p_bad) = runs["shuffled"], runs["file order"]
assert len(X_train) == 800 and len(val[0]) == 200  # the 20 % split
assert steps_per_epoch == math.ceil(len(X_train) / 32)
# the package's shuffling_run performs exactly these steps
for shuffle, (h, p) in ((True, runs["shuffled"]), (False, runs["file order"])):
    ref = d2l.pitfalls.shuffling_run(shuffle, seed=0)
    assert ref.history.val_loss == h.val_loss and torch.equal(ref.path, p)
    assert ref.steps_per_epoch == steps_per_epoch
ratio = h_bad.val_loss[-1] / h_good.val_loss[-1]
assert f"{ratio:.1f}" == "1.7" and ratio > 1.5
assert float(p_bad[-1, -1]) - true_b > 0.5 > abs(float(p_good[-1, -1]) - true_b)
assert 0.7 < float(p_bad[-1, -1]) - true_b < 0.8  # "three quarters of a unit"
swing_good = float(p_good[-25:, -1].max() - p_good[-25:, -1].min())
swing_bad = float(p_bad[-25:, -1].max() - p_bad[-25:, -1].min())
assert swing_bad > 4 * swing_good
assert f"{swing_bad / swing_good:.0f}" == "5"

# %% [markdown]
# Same data, same model, same number of steps: the run that reads the file in order ends with a
# validation loss 1.7 times higher, and a bias too large by three quarters of a unit. Within its
# last epoch the bias travels five times as far as in the shuffled run.
#
# ## The parameter path shows why
#
# <!-- see: Two runs, one difference --> <!-- see: Data sorted by target -->
#
# Plotting the bias after every step (left) and the loss of every minibatch (right) makes the
# pattern visible. Vertical lines mark the epochs.

# %% alt="Two panels. Left: the bias after each step; the shuffled run settles near the true bias, the run in file order swings up and down with every epoch. Right: the loss of each minibatch; in file order it jumps at the epoch boundaries."
fig = Figure(figsize=(10, 3.6), layout="constrained")
fig.patch.set_facecolor("white")
ax_b, ax_l = fig.subplots(1, 2)
for (name, (history, path)), color in zip(runs.items(), ("#1f77b4", "#d62728")):
    ax_b.plot(path[:, -1].numpy(), color=color, linewidth=1.2, label=name)
    ax_l.plot(range(1, len(history.step_loss) + 1), history.step_loss, color=color,
              linewidth=1.0, label=name)
ax_b.axhline(true_b, color="black", linestyle="--", linewidth=1, label="true b* = 4.2")
for ax in (ax_b, ax_l):
    ax.set_facecolor("white")
    for epoch in range(1, 5):
        ax.axvline(epoch * steps_per_epoch, color="#bbbbbb", linewidth=0.8)
    ax.set_xlabel("step")
    ax.legend(loc="lower right" if ax is ax_b else "upper right")
ax_b.set(ylabel="bias b", title="bias after each step")
ax_l.set(ylabel="minibatch loss", yscale="log", title="loss of each minibatch")
fig

# %% tags=["hide-cell"]
# The caption below: per epoch, the bias of the file-order run at steps 0, 25, 50, ...
b_bad = p_bad[:, -1]
epochs = [b_bad[e * steps_per_epoch:(e + 1) * steps_per_epoch + 1] for e in range(5)]
assert 7.5 < float(epochs[0][-1]) < 8  # "overshoots to almost 8"
assert float(epochs[1][-1]) < float(epochs[1][0]) - 3  # the second epoch comes back down
for b_epoch in epochs[2:]:  # later epochs: a dip, then a climb towards the end
    low = int(b_epoch.argmin())
    assert 0 < low < steps_per_epoch and float(b_epoch[-1] - b_epoch[low]) > 0.4, b_epoch

# %% [markdown]
# *Left: the bias of the shuffled run (blue) settles near $b_\text{true} = 4.2$ and jitters. In file
# order (red) it climbs through the first epoch and overshoots to almost 8, and the second epoch <!-- from: true_b = 4.2 | float(epochs[0][-1]) -->
# spends most of its steps coming back down; in each later one it dips while the small targets
# at the start of the file go by and climbs towards the end (large targets). Right: in file order the
# minibatch loss jumps at the epoch boundaries, where the model, tuned to the largest targets,
# meets the smallest ones.*
#
# Each minibatch of the sorted file holds targets from a narrow range. Its gradient points
# towards a model that fits *that* range — for the bias, towards the batch's mean target — so
# the gradients of consecutive steps are correlated instead of scattering around the full
# gradient. Their errors add up instead of cancelling. The learning rate sets how far the <!-- from: def run(shuffle) -->
# parameters follow: at 0.3 they follow a long way (exercise 1). <!-- structural: 1 -->
#
# ## The fix, and what not to shuffle
#
# Draw a new random order every epoch: `train((X, y), ...)` and
# `d2l.InMemoryLoader(..., shuffle=True)` do it, as does `DataLoader(..., shuffle=True)`.
# Shuffle the *training examples*; never shuffle away a split that must respect time — for data
# ordered by time, the validation part should still come after the training part.
#
# ## Exercises
#
# **1. A smaller learning rate.** Repeat both runs with learning rate 0.03 instead of 0.3. Does
# the damage go away?

# %% tags=["solution"]
# Solution 1: the package's shuffling_run performs the steps above for any settings.
slow = {shuffle: d2l.pitfalls.shuffling_run(shuffle, lr=0.03, seed=0) for shuffle in (True, False)}
print(f"lr 0.03: validation loss shuffled {slow[True].val_loss:.3f}, "
      f"file order {slow[False].val_loss:.3f}")

# %% tags=["hide-cell"]
assert abs(slow[False].val_loss / slow[True].val_loss - 1) < 0.05

# %% [markdown]
# Almost: with small steps the parameters barely move within an epoch, and the drift averages
# out; the two validation losses agree to within 5 %. A small learning rate hides the bug, at the
# price of slow training — a larger rate or a harder problem brings it back.
#
# **2. Shuffle once.** Shuffle the file **once**, then read it in that fixed order every epoch.
# Is that enough?

# %% tags=["solution"]
# Solution 2: one random permutation, then shuffle=False.
perm = torch.randperm(len(X_sorted), generator=torch.Generator().manual_seed(0))
once = d2l.InMemoryLoader(X_sorted[perm], y_sorted[perm], batch_size=32, shuffle=False)
model = d2l.linear_model(2, seed=0)
optimizer = torch.optim.SGD(model.parameters(), lr=0.3)
history = d2l.train(model, d2l.squared_loss, optimizer, once, num_epochs=5, val_data=val)
print(f"shuffled once: validation loss {history.val_loss[-1]:.3f}, "
      f"b - b* = {model.bias.item() - true_b:+.2f}")

# %% tags=["hide-cell"]
assert abs(model.bias.item() - true_b) < 0.2
assert history.val_loss[-1] < 1.1 * h_good.val_loss[-1]

# %% [markdown]
# Yes, here: what hurts is an order *correlated with the target*, not a repeated order. A single
# random permutation makes every minibatch a random sample, and the bias ends close to $b_\text{true}$.
# Reshuffling every epoch is still the default: it also removes the small fixed pattern that one
# order leaves in the last steps of every epoch.
