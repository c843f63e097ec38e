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
# # Generalization: underfitting, overfitting and model selection
#
# Every page so far measured a model on the data it was trained on. That is not what we want:
# a model is useful when it predicts well on *new* examples from the same source. Each example
# is a pair of features $\mathbf x$ and a *label* $y$, the value the model must predict (in
# regression, a real number). The error on the training examples is the *training error*; the
# expected error on new examples is the *generalization error*. We cannot compute the second,
# but we can estimate it on examples held out from training: a *validation set*.
#
# The two errors can differ enormously, and the choices that make the difference are
# *hyperparameters*: settings fixed before training and not learned by it, such as the learning
# rate, the batch size, the number of epochs, and on this page the degree of a polynomial. This
# page measures how the two errors move as the model grows (underfitting and overfitting), as
# the data grow, and how to choose a hyperparameter with K-fold cross-validation. The next page,
# [Weight decay](../weight-decay/), adds a continuous way to control a model's size.
#
# Every fit on this page is in closed form (float64), so the curves show the models, not the
# optimizer. The error is the RMSE, $\sqrt{\tfrac1n \sum_i (\hat y_i - y_i)^2}$, in the units
# of $y$ ([`d2l.rmse`](../../api/)).

# %%
import torch

import d2l_linreg as d2l

G = d2l.generalization  # this page's functions: d2l.generalization.*

# %% [markdown]
# ## Polynomials of growing degree
#
# The data follow D2L's cubic: one feature $x$ drawn uniformly from $[-1, 1]$ and a label
#
# $$y = 5 + 1.2\,x - 1.7\,x^2 + 0.933\,x^3 + \epsilon, \qquad \epsilon \sim \mathcal N(0, \sigma^2),\ \sigma = 0.1,$$
#
# <!-- structural: 0 -->
# drawn by `d2l.generalization.polynomial_data(n, seed=...)`. A polynomial of degree $K$ is
# linear regression on the features $x, x^2, \dots, x^K$
# ([`d2l.closed_form.polynomial_features`](../../api-topics/)): the same model, the same loss,
# $K + 1$ parameters with the bias. The degree sets the model's *capacity*, how many different
# functions it can represent. We draw 20 training and 200 validation examples and fit every
# degree from 0 (a constant, the mean of the training labels) to 15:

# %%
noise, num_train, num_val, max_degree = 0.1, 20, 200, 15
print("coefficients:", [round(c, 3) for c in G.TRUE_COEFFICIENTS])
train = G.polynomial_data(num_train, noise=noise, seed=0)  # (x, y), each (20, 1)
val = G.polynomial_data(num_val, noise=noise, seed=1)  # (x, y), each (200, 1)
print("x within [-1, 1]:", bool(train[0].abs().max() <= 1 and val[0].abs().max() <= 1))

# %% [markdown]
# ## Training and validation error against the degree
#
# `d2l.generalization.degree_sweep(train, val, degrees)` fits each degree by least squares and
# returns both RMSEs:

# %%
sweep = G.degree_sweep(train, val, range(max_degree + 1))
print("degree  train RMSE  validation RMSE")
for k, tr, va in zip(sweep.values, sweep.train_rmse, sweep.val_rmse):
    print(f"{k:6}  {tr:10.2g}  {va:15.2g}")
print("best degree on validation:", sweep.best)
print("parameters of the largest model:", max_degree + 1, "for", len(train[0]), "training examples")

# %% alt="Training and validation RMSE (log scale) against the polynomial degree. The training RMSE falls with every degree and ends below the dotted noise level. The validation RMSE falls to its minimum at the cubic's degree, close to the noise level, then rises, by orders of magnitude at the highest degrees."
fig = G.plot_sweeps(sweep, floor=noise, title="20 training examples")
fig

# %% tags=["hide-cell"]
# Nested models: a higher degree can only lower the training error (up to rounding).
assert all(b <= a * (1 + 1e-9) for a, b in zip(sweep.train_rmse, sweep.train_rmse[1:]))
v = dict(zip(sweep.values, sweep.val_rmse))
t = dict(zip(sweep.values, sweep.train_rmse))
assert sweep.best == 3
assert v[15] > 10 * v[3]  # "more than 10 times"
assert v[1] > 3 * v[3] and t[1] > 3 * t[3]  # underfitting: both errors high
assert abs(t[2] - v[2]) < 0.5 * v[2] and abs(t[1] - v[1]) < 0.5 * v[1]  # "close to each other"
assert t[15] < noise < v[3] < 1.5 * noise  # below the noise level; degree 3 near it

# %% [markdown]
# ## Underfitting and overfitting
#
# <!-- see: Training and validation error against the degree -->
#
# The table and the figure show the two ways a model fails.
#
# * **Underfitting** (degrees 0 to 2): the model cannot represent the cubic. Training and <!-- structural: 0 2 -->
#   validation errors are both high and close to each other: the model is as bad on the data it
#   saw as on new data. The validation RMSE at degree 1 is more than 3 times the one at
#   degree 3. More data will not help (see below); more capacity will.
# * **Overfitting** (degrees above 3): the training error keeps falling, below the noise level <!-- structural: 3 -->
#   $\sigma$, which no model can beat on new data: the fit has started to follow the noise of
#   its 20 examples. The validation error rises, and at degree 15 (16 parameters for 20
#   examples) it is more than 10 times the one at degree 3: between and beyond the training
#   points the polynomial swings wildly. <!-- see: Polynomials of growing degree --> <!-- from: parameters of the largest model | 1        0. | noise, num_train, num_val, max_degree | v[15] > 10 * v[3] -->
#
# <!-- structural: 3 -->
# Degree 3 has the smallest validation error, close to $\sigma$. Note what the training error
# alone would choose: the largest degree, always. Least squares over more features can only
# lower it, because the smaller model is a special case of the larger one. This is why a model
# is never selected on its training error.
#
# ## Capacity, neurons and MLPs
#
# Linear regression is the simplest neural network: a single layer with one output *neuron*
# that computes $\mathbf w^\top \mathbf x + b$ from its inputs, with no activation function.
# The polynomial model is the same neuron fed with more inputs ($x, x^2, \dots$). A
# *multilayer perceptron* (MLP) stacks layers of such neurons with a nonlinear function between
# them ([`d2l.mlp`](../../api/)), which lets it learn its own features instead of being handed
# powers of $x$. Wider and deeper networks have more capacity, and they under- and overfit in
# the same way: what this page measures with the degree applies to them with the number of
# layers, units and training epochs as the hyperparameters.
#
# ## More data
#
# Overfitting is a matter of capacity *relative to the data*. A learning curve fixes the model
# and varies the number of training examples $n$: `d2l.generalization.learning_curve` draws
# 10 training sets of each size, fits each, and averages the RMSE on them and on one validation
# set of 1,000 examples:

# %%
sizes, num_draws = [8, 12, 20, 50, 100, 500], 10
curves = {k: G.learning_curve(k, sizes, num_val=1000, num_draws=num_draws, seed=0) for k in (1, 3)}
for name, c in zip(["line", "cubic"], curves.values()):
    print(f"{name:6} n    ", "".join(f"{n:>7}" for n in c.values))
    print("       train", "".join(f"{e:7.3f}" for e in c.train_rmse))
    print("       val  ", "".join(f"{e:7.3f}" for e in c.val_rmse))

# %% alt="Learning curves: RMSE against the number of training examples (log scales) for a straight line and for the cubic. For the cubic, the training RMSE rises and the validation RMSE falls until both meet at the dotted noise level. For the straight line, both curves meet far above the noise level."
fig = G.plot_sweeps(*curves.values(), labels=["degree 1", "degree 3"], log_x=True, floor=noise)
fig

# %% tags=["hide-cell"]
c1, c3 = curves[1], curves[3]
gap = [va - tr for tr, va in zip(c3.train_rmse, c3.val_rmse)]
assert gap[-1] < gap[0] / 10  # "less than a tenth"
assert c3.train_rmse[0] * 1.1 < c3.train_rmse[-1] and c3.val_rmse[-1] * 1.5 < c3.val_rmse[0]
assert abs(c3.val_rmse[-1] - noise) < 0.05 * noise  # "within 5 %"
assert abs(c3.train_rmse[-1] - noise) < 0.05 * noise
assert min(c1.val_rmse) > 0.5 and min(c1.train_rmse[sizes.index(50) :]) > 0.5  # stays high
assert abs(c1.val_rmse[-1] - c1.train_rmse[-1]) < 0.05 * c1.val_rmse[-1]

# %% [markdown]
# For the cubic, the training error rises with $n$ (a few examples are easier to fit than many)
# and the validation error falls; at the largest $n$ the gap between them is less than a tenth
# of the gap at the smallest, and both RMSEs are within 5 % of $\sigma$. More data cures
# overfitting. For the line it does not cure anything: from 50 examples on, both errors stay
# above 0.5, because no
# straight line follows a cubic however many examples it sees. Underfitting needs a larger model,
# overfitting a smaller model or more data, and the gap between training and validation error
# tells which of the two you face.
#
# ## Choosing a hyperparameter: K-fold cross-validation
#
# Choosing the degree on the validation set uses the validation set for training, in a small way:
# after the choice, its error is an optimistic estimate of the chosen model's error. The honest
# estimate comes from a *test set* used once, at the end
# ([validation leakage](../../pitfalls/validation-leakage/) shows how far off the optimism can be).
#
# With little data a second problem appears: a validation set of a handful of examples gives a
# noisy score, so the choice depends on which examples landed in it. *K-fold
# cross-validation* uses every example for validation once. Shuffle the data, cut it into $K$
# folds; for each fold, train on the other $K - 1$ and measure the error on it; score each
# hyperparameter by its mean validation error over the $K$ folds. It costs $K$ fits per value.
# `d2l.generalization.kfold_splits(X, y, k, seed=...)` returns the $K$ splits and
# `d2l.generalization.cross_validate(data, values, k=..., seed=...)` the mean errors.
#
# Take 30 examples. A hold-out split keeps 6 of them for validation (20 %): we repeat it with
# ten different random splits and see which degrees they pick; then 5-fold cross-validation,
# with ten different shuffles: <!-- from: validation examples per hold-out split | val_fraction=0.2 | num_splits = list(range(11)) -->

# %%
data = G.polynomial_data(30, noise=noise, seed=2)  # 30 examples in all
degrees, k, num_splits = list(range(11)), 5, 10
holdout = []
for seed in range(num_splits):
    tr, va = d2l.train_val_split(*data, val_fraction=0.2, seed=seed)  # 24 + 6 examples
    holdout.append(G.degree_sweep(tr, va, degrees).best)
kfold = [G.cross_validate(data, degrees, k=k, seed=seed).best for seed in range(num_splits)]
print("examples:", len(data[0]), " validation examples per hold-out split:", len(va[0]))
print("degrees picked by the hold-out splits:  ", sorted(set(holdout)))
print("degrees picked by cross-validation:     ", sorted(set(kfold)))

# %% tags=["hide-cell"]
assert max(holdout) - min(holdout) > 2 * (max(kfold) - min(kfold))
assert all(3 <= d <= 4 for d in kfold)

# %% [markdown]
# The hold-out choice wanders with the split; cross-validation picks 3 or 4 every time
# (the cubic's coefficient of $x^4$ is 0, and with 30 examples degrees 3 and 4 are nearly <!-- structural: 4 0 -->
# tied). Once the degree is chosen, refit on all 30 examples and measure the test error on data <!-- structural: 3 -->
# that took no part in any choice: <!-- from: validation examples per hold-out split | polynomial_data(30 -->

# %%
choice = max(set(kfold), key=kfold.count)  # the most frequent pick
test = G.polynomial_data(1000, noise=noise, seed=3)
final = G.degree_sweep(data, test, [choice])
print(f"degree {choice}: training RMSE {final.train_rmse[0]:.3f}, test RMSE {final.val_rmse[0]:.3f}")

# %% tags=["hide-cell"]
assert noise < final.val_rmse[0] < 1.3 * noise  # "within 30 % of the noise level"

# %% [markdown]
# The test RMSE is within 30 % of $\sigma$: the chosen model is close to the best any model can
# do on this problem.
#
# ## Exercises
#
# <!-- see: Polynomials of growing degree -->
#
# **1. More training examples.** Repeat the degree sweep with 200 training examples instead of <!-- structural: 1 -->
# 20. How much worse than degree 3 is degree 15 on validation now? <!-- from: noise, num_train, num_val, max_degree | degree 3: -->

# %% tags=["solution"]
# Solution 1: with 200 examples, 16 parameters have 10 examples each to pin them down.
big = G.degree_sweep(G.polynomial_data(200, noise=noise, seed=0), val, range(max_degree + 1))
v_big = dict(zip(big.values, big.val_rmse))
print(f"degree 3: {v_big[3]:.3f}, degree 15: {v_big[15]:.3f}, best: {big.best}")

# %% tags=["hide-cell"]
assert v_big[15] < 1.5 * v_big[3] and v[15] > 10 * v[3]

# %% [markdown]
# Degree 15 is now less than 1.5 times as bad as degree 3 (it was more than 10 times as bad
# with 20 examples): the same model, more data, much less overfitting. <!-- from: v_big[15] < 1.5 * v_big[3] | degree 3: | noise, num_train, num_val, max_degree -->
#
# **2. How many folds?** Cross-validate the degree on the 30 examples with $K = 2$, $5$ and <!-- structural: 2 -->
# $10$ folds (one shuffle each). Which degree does each pick, and what does each cost? <!-- from: examples: 30 | picks = {f: -->

# %% tags=["solution"]
# Solution 2: K folds cost K fits per degree; each fit sees (K - 1)/K of the data.
print("examples:", len(data[0]))
for num_folds in [2, 5, 10]:
    cv = G.cross_validate(data, degrees, k=num_folds, seed=0)
    fit_size = len(G.kfold_splits(*data, num_folds, seed=0)[0][0][0])
    print(f"K = {num_folds:2}: picks degree {cv.best}, {num_folds * len(degrees)} fits of {fit_size} examples")

# %% tags=["hide-cell"]
picks = {f: G.cross_validate(data, degrees, k=f, seed=0).best for f in [2, 5, 10]}
assert picks[2] <= min(picks[5], picks[10]), picks

# %% [markdown]
# <!-- structural: 2 5 10 -->
# $K = 2$ picks the smallest degree: each of its fits sees only 15 examples, so high degrees
# look worse than they would with all 30. A larger $K$ trains on more of the data (closer to the
# final fit) at more cost, and with one shuffle its pick still varies; averaging over several
# shuffles, as above, steadies it. $K = 5$ or $10$ is the usual compromise.
