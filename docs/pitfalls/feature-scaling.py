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
# # Unscaled features
#
# Features come in units: years, millimetres, dollars. Nothing about the model cares — a
# weight simply absorbs the unit — but gradient descent does. When one feature is ten times
# larger than another, the loss is a hundred times more curved along its weight, the contours of
# the loss become long, narrow ellipses, and gradient descent zigzags across the valley while it
# crawls along it. This page measures the effect: the same SGD, once on raw features and once on
# standardized ones, with the path drawn on the contours of the loss and the number of steps each
# needs to get close to the minimum.

# %%
# %matplotlib inline
import torch
from torch import nn

import d2l_linreg as d2l

# %% [markdown]
# ## Two features, two units
#
# `pitfalls_data.unscaled_problem` draws the running example's two standard-normal features,
# then multiplies the second by 10, as if it were measured in a ten times smaller unit. The
# target is $y = 2 z_1 - 3.4 z_2 + \epsilon$ in the standard units, so in the units of the data
# the true weights are $(2, -0.34)$. There is no bias, to keep the loss a function of two
# weights that we can draw.
#
# The fix is to divide each feature by its standard deviation computed on the training data.
# The features are already centred (by construction), so here we only rescale; in
# practice `d2l.Standardizer` centres and scales in one go.

# %%
X, y = d2l.pitfalls.unscaled_problem(1000, scales=(1.0, 10.0), noise=0.01, seed=0)
scaler = d2l.Standardizer().fit(X)
X_scaled = X / scaler.std  # (n, 2) / (2,): each column to standard deviation 1
print("standard deviations, raw:   ", [round(v, 2) for v in X.std(dim=0).tolist()])
print("standard deviations, scaled:", [round(v, 2) for v in X_scaled.std(dim=0).tolist()])

# %% tags=["hide-cell"]
# The target is 2 z1 - 3.4 z2 + noise in the standard units z (the second column is 10 z2) ...
z = X / torch.tensor([1.0, 10.0])  # (n, 2)
assert float((y - (2 * z[:, :1] - 3.4 * z[:, 1:])).std()) < 0.02  # noise 0.01
# ... so least squares on the data's units recovers (2, -0.34).
w_data_units = torch.linalg.lstsq(X.double(), y.double()).solution.flatten()  # (2,)
assert [round(v, 2) for v in w_data_units.tolist()] == [2.0, -0.34], w_data_units

# %% [markdown]
# ## The shape of the loss
#
# For the mean ½ squared loss without bias, $L(\mathbf w) = \frac{1}{2n}\lVert \mathbf X
# \mathbf w - \mathbf y\rVert^2$, the curvature is the same everywhere: the Hessian
# $\mathbf H = \frac1n \mathbf X^\top \mathbf X$. Its eigenvalues are the curvatures along the
# axes of the elliptical contours, and their ratio, the Hessian's condition number
# $\kappa(\mathbf H) = \kappa(\mathbf X)^2$ ([notation](../../notation/)), is how elongated the
# ellipses are (the axes' lengths differ by $\sqrt{\kappa(\mathbf H)} = \kappa(\mathbf X)$).

# %%
for name, Z in [("raw", X), ("scaled", X_scaled)]:
    H = Z.double().T @ Z.double() / len(Z)  # (2, 2) Hessian of the loss
    curvatures = torch.linalg.eigvalsh(H)
    print(f"{name:6}  curvatures {[round(v, 2) for v in curvatures.tolist()]}, "
          f"condition number {curvatures[-1] / curvatures[0]:.1f}")

# %% [markdown]
# Gradient descent has a single learning rate $\eta$ for all directions. Along a direction of
# curvature $\mu$ a step multiplies the distance to the minimum by $1 - \eta\mu$, so it
# diverges unless $\eta < 2/\mu_{\max}$ (`d2l.pitfalls.max_stable_lr`). The steep direction sets the
# limit; the flat direction, with $\mu_{\min}$, then shrinks by only
# $1 - \eta\mu_{\min} > 1 - 2/\kappa(\mathbf H)$ per step. For each problem we take 75 % of its own
# largest stable rate — as large as is comfortably safe:

# %%
lrs = {"raw": 0.75 * d2l.pitfalls.max_stable_lr(X), "scaled": 0.75 * d2l.pitfalls.max_stable_lr(X_scaled)}
print({name: round(lr, 4) for name, lr in lrs.items()})

# %% [markdown]
# ## The same SGD on both
#
# Both runs use the package's `train` with minibatches of 32, ten epochs, starting from
# $\mathbf w = \mathbf 0$. `d2l.ParameterPath` records the weights after every step. For each run,
# `d2l.pitfalls.steps_to_tolerance` finds the first step at which less than 0.1 % of the initial excess
# loss $L(\mathbf w_0) - L^*$ is left.

# %%
def sgd_path(Z, lr):
    model = nn.Linear(2, 1, bias=False)
    nn.init.zeros_(model.weight)
    path = d2l.ParameterPath(model)
    optimizer = torch.optim.SGD(model.parameters(), lr=lr)
    d2l.train(model, d2l.squared_loss, optimizer, (Z, y), num_epochs=10, batch_size=32, seed=0,
              callbacks=[path])
    return path.tensor()  # (steps + 1, 2)


paths = {"raw": sgd_path(X, lrs["raw"]), "scaled": sgd_path(X_scaled, lrs["scaled"])}
steps = {"raw": d2l.pitfalls.steps_to_tolerance(X, y, paths["raw"], tol=1e-3),
         "scaled": d2l.pitfalls.steps_to_tolerance(X_scaled, y, paths["scaled"], tol=1e-3)}
print(f"steps to tolerance: raw {steps['raw']}, scaled {steps['scaled']}, "
      f"ratio {steps['raw'] / steps['scaled']:.0f}")

# %% tags=["hide-cell"]
assert steps["raw"] == 201 and steps["scaled"] == 5 and steps["raw"] > 20 * steps["scaled"]

# %% [markdown]
# Forty times more steps for the same model, the same data up to units, and the same
# tolerance. On the contours (the loss on the full data, spaced geometrically so the narrow
# valley stays visible), the path up to the step that reaches the tolerance:

# %% alt="Loss contours for the raw features: long, narrow ellipses. The SGD path drops to the valley floor, then zigzags across it while creeping along it towards the minimum."
fig_raw = d2l.plot_loss_contours(X, y, path=paths["raw"][: steps["raw"] + 1],
                                 title=f"raw features: {steps['raw']} steps")
fig_raw

# %% [markdown]
# *Raw features (the axes have different scales). The loss is a hundred times more curved along
# $w_2$ (the feature on the large scale) than along $w_1$. The first step jumps almost straight down to the valley floor; from
# then on each step overshoots across the narrow valley — the zigzag — while the progress along
# it, towards $w_1 = 2$, is slow and steady.*

# %% alt="Loss contours for the standardized features: nearly circles. The SGD path reaches the minimum in a few long, overshooting steps."
fig_scaled = d2l.plot_loss_contours(X_scaled, y, path=paths["scaled"][: steps["scaled"] + 1],
                                    bounds=(-1.0, 4.5, -6.0, 1.0),
                                    title=f"standardized features: {steps['scaled']} steps")
fig_scaled.axes[0].set_aspect("equal")
fig_scaled

# %% [markdown]
# *Standardized features (equal scales on both axes). The contours are nearly circles, every direction has the same
# curvature, and the large learning rate that this allows reaches the minimum in a handful of
# steps (it overshoots, but by a shrinking amount).*
#
# The weights of the two problems are in different units ($w_2$ is ten times larger after
# scaling), so the plots have different axes; both show the model's own parameters, which is
# what SGD sees.
#
# ## The learning rate does not transfer
#
# A learning rate that is comfortable on standardized data is far beyond the stable limit of the
# raw one — the steep direction is a hundred times more curved — and training diverges:

# %%
model = nn.Linear(2, 1, bias=False)
nn.init.zeros_(model.weight)
history = d2l.train(model, d2l.squared_loss, torch.optim.SGD(model.parameters(), lr=lrs["scaled"]),
                    (X, y), num_epochs=10, seed=0)
print(f"raw features with lr {lrs['scaled']:.2f}: diverged {history.diverged} "
      f"after {len(history.step_loss)} steps")

# %% tags=["hide-cell"]
assert history.diverged and len(history.step_loss) < 32
assert f"{torch.linalg.eigvalsh(X.double().T @ X.double() / len(X))[-1]:.0f}" == "109"

# %% [markdown]
# ## The fix
#
# Standardize every feature with statistics of the **training** data (`d2l.Standardizer`: `fit`
# on the training part, `transform` every part), then choose the learning rate. It is the same
# preprocessing the [real-data baseline](../../beyond/real-data/) uses, and it also improves the
# conditioning of the closed-form solution
# ([when the normal equation breaks](../../numerics/normal-equation-breaks/)). It cannot fix
# features that are nearly collinear: that is a different problem
# ([normal equation at scale](../normal-equation-at-scale/)).
#
# ## Exercises
#
# **1. Steps grow with the condition number.** Repeat the raw run for scales $(1, 3)$ and
# $(1, 30)$ (60 epochs, so the slower one can finish). How does the number of steps relate to
# $\kappa(\mathbf H)$? (`pitfalls_data.scaling_run` runs exactly the `sgd_path` code above.)

# %% tags=["solution"]
# Solution 1: the same run for two more scales; kappa is the condition number of the Hessian.
ratios = []
for scales in [(1.0, 3.0), (1.0, 10.0), (1.0, 30.0)]:
    X_q, y_q = d2l.pitfalls.unscaled_problem(1000, scales=scales, seed=0)
    kappa = d2l.condition_number(X_q, fit_intercept=False) ** 2  # cond(X^T X) = cond(X)^2
    if scales == (1.0, 10.0):
        n_steps = steps["raw"]  # the run above
    else:
        run = d2l.pitfalls.scaling_run(X_q, y_q, 0.75 * d2l.pitfalls.max_stable_lr(X_q), num_epochs=60)
        n_steps = d2l.pitfalls.steps_to_tolerance(X_q, y_q, run.path)
    ratios.append(n_steps / kappa)
    print(f"scales {scales}: kappa {kappa:6.1f}, steps {n_steps:5d}, steps / kappa {n_steps / kappa:.2f}")

# %% tags=["hide-cell"]
import math

assert all(1.8 < r < 1.9 for r in ratios), ratios
# The flat direction's share of the initial excess loss L(0) - L*, from the eigenvectors of H.
H = X.double().T @ X.double() / len(X)
curvatures, axes = torch.linalg.eigh(H)  # ascending: the flat direction first
w_min = torch.linalg.lstsq(X.double(), y.double()).solution  # (2, 1): the minimizer
excess = 0.5 * curvatures * (axes.T @ w_min).flatten() ** 2  # (2,): excess loss along each axis
share = float(excess[0] / excess.sum())
assert abs(share - 0.25) < 0.01, share  # "about a quarter"
assert math.isclose(lrs["raw"] * float(curvatures[-1]), 1.5, rel_tol=1e-4)  # eta = 1.5 / lambda_max
predicted = math.log(share * 1000) / 3  # steps per unit of kappa
assert f"{math.log(0.25 * 1000) / 3:.1f}" == "1.8" and f"{math.log(1000) / 3:.1f}" == "2.3"
assert all(abs(r / predicted - 1) < 0.05 for r in ratios), (ratios, predicted)

# %% [markdown]
# The steps grow in proportion to $\kappa(\mathbf H)$, about $1.85\,\kappa(\mathbf H)$ here. That is the flat
# direction's rate: with $\eta = 1.5/\mu_{\max}$ it shrinks the error along that direction
# by $1 - 1.5/\kappa(\mathbf H)$ per step, so its share of the excess loss (the square of the error) by
# about $1 - 3/\kappa(\mathbf H)$. The steep direction is done after a few steps, and what is left to remove
# is the flat direction's share of the initial excess loss — about a quarter here, not all of it.
# Cutting a quarter down to a thousandth of the whole takes about
# $\frac{\kappa(\mathbf H)}{3} \ln(0.25 \cdot 1000) \approx 1.8\,\kappa(\mathbf H)$ steps (it would be
# $\frac{\kappa(\mathbf H)}{3} \ln 1000 \approx 2.3\,\kappa(\mathbf H)$ if the flat direction held all of it).
#
# **2. A per-coordinate learning rate.** Adam divides each coordinate's step by a running <!-- structural: 2 -->
# estimate of the size of its gradient — a diagonal rescaling, roughly what standardizing does
# to the data. Train the raw problem with `torch.optim.Adam(lr=0.1)`. How many steps does it
# need?

# %% tags=["solution"]
# Solution 2: only the optimizer changes.
model = nn.Linear(2, 1, bias=False)
nn.init.zeros_(model.weight)
adam_path = d2l.ParameterPath(model)
d2l.train(model, d2l.squared_loss, torch.optim.Adam(model.parameters(), lr=0.1), (X, y),
          num_epochs=3, seed=0, callbacks=[adam_path])
adam_steps = d2l.pitfalls.steps_to_tolerance(X, y, adam_path.tensor())
print(f"Adam on raw features: {adam_steps} steps (SGD: raw {steps['raw']}, scaled {steps['scaled']})")

# %% tags=["hide-cell"]
assert steps["scaled"] < adam_steps < steps["raw"] / 4

# %% [markdown]
# Adam copes much better with the raw features than SGD does, but standardized features with
# plain SGD are still faster — and standardizing costs nothing and helps every optimizer.
