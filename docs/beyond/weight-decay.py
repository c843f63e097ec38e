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
# # Weight decay
#
# [The previous page](../generalization/) controlled a model's capacity with a coarse knob, the
# polynomial degree: drop features until the model stops overfitting. *Weight decay* is a
# continuous knob: keep every feature, and penalize large weights. It is the most common
# regularizer in deep learning (D2L's section 3.7), and for linear regression it is also known <!-- structural: 3.7 -->
# as *ridge regression*. This page derives it, solves it in closed form, shows what PyTorch's
# `weight_decay=` does, and measures when it helps, with the penalty's strength $\lambda$ chosen
# on a validation set like any other hyperparameter.

# %%
import torch

import d2l_linreg as d2l

G = d2l.generalization

# %% [markdown]
# ## The penalty and the update
#
# Add to the mean squared loss of the site an L2 penalty on the weights (not on the bias, which
# only sets the level of the predictions):
#
# $$
# L_\lambda(\mathbf w, b) = \frac1n \sum_{i=1}^n \frac12 \left(\mathbf w^\top \mathbf x_i + b - y_i\right)^2 + \frac{\lambda}{2} \lVert \mathbf w \rVert^2 .
# $$
#
# The penalty adds $\lambda \mathbf w$ to the gradient with respect to $\mathbf w$. With
# $\mathbf g$ the gradient of the loss alone on a minibatch, a step of SGD with learning rate
# $\eta$ becomes
#
# $$
# \mathbf w \leftarrow \mathbf w - \eta\,(\mathbf g + \lambda \mathbf w) = (1 - \eta\lambda)\,\mathbf w - \eta\,\mathbf g :
# $$
#
# first *shrink* the weights by the factor $1 - \eta\lambda$ (they decay towards zero), then
# *step* as usual. A weight that the data do not keep pushing up fades away; only the
# directions the data support stay large.
#
# In PyTorch, `torch.optim.SGD(params, lr=eta, weight_decay=lam)` does exactly this: it adds
# `lam * p` to the gradient of **every** parameter `p` it holds, the bias included. To spare the
# bias, give the optimizer two parameter groups, one with and one without decay:
# `d2l.weight_decay_groups(model, lam)` builds them ([The bias term](../bias/) shows why the
# bias should be spared).
#
# ## The closed form
#
# Setting the gradient of $L_\lambda$ to zero gives, for centred data (subtract the training
# means of the features and of $y$; the bias then equals the mean of $y$ minus
# $\bar{\mathbf x}^\top \mathbf w$),
#
# $$
# \left(\mathbf X^\top \mathbf X + n\lambda\,\mathbf I\right) \mathbf w = \mathbf X^\top \mathbf y .
# $$
#
# The factor $n$ comes from the loss being a *mean*: with a summed loss the same $\lambda$
# would appear without it. For $\lambda > 0$ the matrix is positive definite, so there is
# exactly one solution even when there are more features than examples and $\mathbf X^\top
# \mathbf X$ is singular. `d2l.weight_decay_solution(X, y, lam)` solves it in float64
# (`decay_bias=True` decays the bias as well, as a plain `weight_decay=` does). A check that it
# is the minimizer: the gradient of $L_\lambda$ vanishes there.

# %%
X, y = d2l.synthetic_data([2.0, -3.4], 4.2, 50, noise=0.5, seed=0)
lam = 0.1
w, b = d2l.weight_decay_solution(X, y, lam)  # (2, 1), (1,)
Xd, yd = X.double(), y.double()
r = Xd @ w + b - yd  # residuals (50, 1)
grad_w, grad_b = Xd.T @ r / len(X) + lam * w, r.mean()
print("w =", [round(v, 3) for v in w.flatten().tolist()], " b =", round(b.item(), 3))
print("largest gradient entry below 1e-12:", bool(max(grad_w.abs().max(), grad_b.abs()) < 1e-12))

# %% tags=["hide-cell"]
Xc, yc = Xd - Xd.mean(0), yd - yd.mean()
w_centred = torch.linalg.solve(Xc.T @ Xc + len(X) * lam * torch.eye(2, dtype=torch.float64), Xc.T @ yc)
assert torch.allclose(w, w_centred, atol=1e-12)
w0, _ = d2l.weight_decay_solution(X, y, 1e-12)
assert (w.norm() < w0.norm()).item()  # shrunk

# %% [markdown]
# ## Weight decay rescues the degree-15 polynomial
#
# Back to the previous page's problem: 20 training examples of the cubic with noise
# $\sigma = 0.1$, a validation set of 200 and a test set of 1,000. There, a polynomial of degree
# 15 had a validation RMSE more than 10 times that of degree 3. Keep degree 15 and vary
# $\lambda$ instead. `d2l.generalization.weight_decay_sweep(train, val, lams, degree=15)`
# standardizes the powers $x, \dots, x^{15}$ with the training statistics (so that $\lambda$
# weighs them alike) and solves the closed form for each $\lambda$:

# %%
noise, degree = 0.1, 15
train = G.polynomial_data(20, noise=noise, seed=0)  # the same draws as on the previous page
val = G.polynomial_data(200, noise=noise, seed=1)
test = G.polynomial_data(1000, noise=noise, seed=3)
lams = [10.0**e for e in range(-8, 1)]  # 1e-8, ..., 1
print("setting: sigma", noise, "degree", degree, "examples", [len(p[0]) for p in (train, val, test)])

# %% tags=["hide-cell"]
# The previous page's result, on these draws: degree 15 over 10 times as bad as degree 3.
unregularized = G.degree_sweep(train, val, [3, 15])
assert unregularized.val_rmse[1] > 10 * unregularized.val_rmse[0], unregularized.val_rmse

# %% [markdown]
# ### The sweep over λ

# %%
sweep = G.weight_decay_sweep(train, val, lams, degree=degree)
print("lambda   train RMSE  validation RMSE")
for lam, tr, va in zip(sweep.values, sweep.train_rmse, sweep.val_rmse):
    print(f"{lam:6.0e}  {tr:10.2g}  {va:15.2g}")
best = sweep.best
print("lambda chosen on validation:", f"{best:.0e}")

# %% alt="Training and validation RMSE (log scale) of the highest-degree polynomial against the weight decay lambda (log scale). The training RMSE rises steadily with lambda. The validation RMSE is huge at the smallest lambda, falls by orders of magnitude to a minimum at an intermediate lambda, and rises again for larger lambda."
fig = G.plot_sweeps(sweep, log_x=True, floor=noise, title="degree 15, 20 training examples")
fig

# %% tags=["hide-cell"]
v = dict(zip(sweep.values, sweep.val_rmse))
assert all(b >= a for a, b in zip(sweep.train_rmse, sweep.train_rmse[1:]))  # more decay, worse fit
assert v[1e-8] > 100 * v[best] and v[1.0] > 1.5 * v[best]
assert 1e-5 <= best <= 1e-2

# %% [markdown]
# With almost no decay ($\lambda = 10^{-8}$) the fit is the overfitted polynomial of the
# previous page; with too much ($\lambda = 1$) every weight is crushed towards zero and the model
# underfits. In between, the validation RMSE at the chosen $\lambda$ is more than 100 times
# smaller than at $\lambda = 10^{-8}$, and the training RMSE rises with $\lambda$ at every
# step: weight decay trades fit on the training data for stability on new data. The figure is
# the degree sweep read backwards, with a continuous knob.
#
# The chosen $\lambda$ was selected on the validation set, so the final word belongs to the test
# set, which took no part in any choice:

# %%
final = G.weight_decay_sweep(train, test, [best], degree=degree)
cubic = G.degree_sweep(train, test, [3])
print(f"degree 15, lambda {best:.0e}: test RMSE {final.val_rmse[0]:.2f}")
print(f"degree 3, no decay:    test RMSE {cubic.val_rmse[0]:.2f}")

# %% tags=["hide-cell"]
assert final.val_rmse[0] < 3 * cubic.val_rmse[0] < 3 * 1.5 * noise

# %% [markdown]
# The regularized degree-15 model is within 3 times the test RMSE of the right model, the cubic,
# instead of orders of magnitude off. When the right degree is known, use it; when it is not,
# a generous model with a validated $\lambda$ is a safe default.
#
# ## Many features, few examples
#
# D2L's experiment: $d = 200$ features, only $n = 20$ training examples and 100 for validation,
# $y = 0.05 + \sum_{j} 0.01\,x_j + \epsilon$ with standard normal features and noise
# $\sigma = 0.01$. With more weights than examples, a linear model can fit the training data
# exactly. We train `nn.Linear` with the site's loop `d2l.train` and PyTorch's
# `weight_decay=`, once without decay and once with $\lambda = 3$, by full-batch gradient descent
# from zero weights (so that the run ends at the closed-form answer):

# %%
num_inputs, num_train, lr, num_epochs = 200, 20, 0.05, 80
X, y = d2l.synthetic_data(torch.full((num_inputs,), 0.01), 0.05, 120, noise=0.01, seed=0)
train, val = (X[:num_train], y[:num_train]), (X[num_train:], y[num_train:])
full_batch = d2l.InMemoryLoader(*train, batch_size=num_train, shuffle=False)  # one batch: no shuffle
models = {}
for wd in [0.0, 3.0]:
    model = d2l.linear_model(num_inputs, sigma=0.0, seed=0)  # w = 0, b = 0
    optimizer = torch.optim.SGD(model.parameters(), lr=lr, weight_decay=wd)  # decays w and b
    d2l.train(model, d2l.squared_loss, optimizer, full_batch, num_epochs=num_epochs)
    models[wd] = model
    if wd == 0.0:
        print("parameters:", sum(p.numel() for p in model.parameters()))
    with torch.no_grad():
        tr, va = (d2l.rmse(model(Xs), ys) for Xs, ys in (train, val))
    shown = f"{tr:.2f}" if tr > 1e-4 else "below 1e-4"
    print(f"weight_decay={wd}: train RMSE {shown}, validation RMSE {va:.3f}")

# %% tags=["hide-cell"]
with torch.no_grad():
    rm = {wd: [d2l.rmse(m(Xs), ys) for Xs, ys in (train, val)] for wd, m in models.items()}
assert rm[0.0][0] < 1e-4 and rm[3.0][0] > 100 * rm[0.0][0]  # interpolation; decay fits less
# Gradient descent ends at the closed form: decay_bias=True, as weight_decay= decays the bias too.
w3, b3 = d2l.weight_decay_solution(*train, 3.0, decay_bias=True)
assert float((models[3.0].weight.detach().double().T - w3).abs().max()) < 1e-5
assert abs(float(models[3.0].bias.detach().double() - b3)) < 1e-5
# Without decay, from zero: the minimum-norm interpolant (the pseudo-inverse solution).
A = torch.cat([train[0].double(), torch.ones(num_train, 1, dtype=torch.float64)], 1)
theta = torch.linalg.pinv(A) @ train[1].double()
assert float((models[0.0].weight.detach().double().T - theta[:-1]).abs().max()) < 1e-5

# %% [markdown]
# Without decay the training RMSE is practically zero: the model has 201 parameters for 20
# examples, and many settings of them fit every example exactly. The run lands on the interpolating weights of
# smallest norm (a hidden check compares them with the pseudo-inverse solution), and with
# $\lambda = 3$ on the closed form of `d2l.weight_decay_solution(..., decay_bias=True)`, to
# better than $10^{-5}$ in every weight. Decay opens the training error, a symptom of
# overfitting gone. But look at the validation error: it hardly moves. The closed form shows
# the whole range of $\lambda$, and what predicting the training mean alone achieves:

# %%
sweep = G.weight_decay_sweep(train, val, lams[2:] + [10.0, 100.0])  # 1e-6 ... 100
mean_only = d2l.rmse(torch.full_like(val[1], train[1].mean().item()), val[1])
print("validation RMSE for every lambda:", [f"{e:.3f}" for e in sweep.val_rmse])
print(f"predicting the training mean: {mean_only:.3f}")  # (the best lambda is a near-tie: not shown)

# %% tags=["hide-cell"]
assert max(sweep.val_rmse) < 1.1 * min(sweep.val_rmse)  # "within 10 %"
assert min(sweep.val_rmse) > 0.9 * mean_only  # "no better than 10 % below the mean"

# %% [markdown]
# Every $\lambda$ from $10^{-6}$ to 100 gives a validation RMSE within 10 % of every other, and
# none is even 10 % below predicting the mean. This is not a failure of weight decay: 20
# examples simply do not carry the information to estimate 200 weights that are all equally
# small. The validation error is the error of knowing nothing beyond the mean, whatever the
# regularizer. Weight decay removes the *symptom* (a training error far below the validation
# error, a model that believes its fit) and keeps the weights small, but it cannot create
# information that the data do not hold. (D2L's version of this experiment shows a larger
# benefit because it stops training after a few epochs from a random start.)
#
# Weight decay pays where the data *do* hold the information but the fit is unstable: as many
# features as examples is the worst case for an unregularized fit. The same problem with
# $d = 20$ features and 20 examples: <!-- from: d = n = 20 -->

# %%
X, y = d2l.synthetic_data(torch.full((num_train,), 0.1), 0.05, 120, noise=0.1, seed=0)
square = G.weight_decay_sweep((X[:num_train], y[:num_train]), (X[num_train:], y[num_train:]), lams[2:])
v = dict(zip(square.values, square.val_rmse))
print(f"d = n = 20: validation RMSE {v[1e-6]:.2f} at lambda 1e-6, {min(square.val_rmse):.2f} at lambda {square.best:g}")

# %% tags=["hide-cell"]
assert v[1e-6] > 3 * min(square.val_rmse)

# %% [markdown]
# <!-- structural: 20 -->
# Here the validated $\lambda$ cuts the validation RMSE by more than a factor of 3.
#
# ## Exercises
#
# <!-- see: Weight decay rescues the degree-15 polynomial -->
#
# **1. Spare the bias.** Give the optimizer of the $d = 200$ model the parameter groups <!-- structural: 1 200 -->
# `d2l.weight_decay_groups(model, 3.0)`. Which closed form is its fixed point: the one with
# `decay_bias=False` or with `decay_bias=True`? Start at each and take one step.

# %% tags=["solution"]
# Solution 1: at a minimizer of the objective the optimizer minimizes, a full-batch step moves
# nothing. The groups decay the weight matrix only, so that is decay_bias=False.
X, y = d2l.synthetic_data(torch.full((num_inputs,), 0.01), 0.05, 120, noise=0.01, seed=0)
train = (X[:num_train], y[:num_train])
model = d2l.linear_model(num_inputs, sigma=0.0, seed=0)
optimizer = torch.optim.SGD(d2l.weight_decay_groups(model, 3.0), lr=lr)
moved = {}
for decay_bias in [False, True]:
    w, b = d2l.weight_decay_solution(*train, 3.0, decay_bias=decay_bias)
    with torch.no_grad():
        model.weight.copy_(w.T)
        model.bias.copy_(b)
    before = [p.detach().clone() for p in model.parameters()]
    optimizer.zero_grad()
    d2l.squared_loss(model(train[0]), train[1]).mean().backward()
    optimizer.step()
    moved[decay_bias] = max(float((p.detach() - q).abs().max()) for p, q in zip(model.parameters(), before))
print("decay_bias=False stays put (moves < 1e-6):", moved[False] < 1e-6)
print("decay_bias=True moves (by > 1e-4):        ", moved[True] > 1e-4)

# %% [markdown]
# With the groups, the fixed point is the closed form that leaves the bias undecayed: there the
# bias is the mean of the training labels minus $\bar{\mathbf x}^\top \mathbf w$, not pulled
# towards zero. From the other one, the bias's gradient (the mean residual) is not zero, and the
# step moves it.
#
# **2. Cross-validate λ.** Choose $\lambda$ for the degree-15 polynomial by 5-fold <!-- structural: 2 15 5 -->
# cross-validation on the 20 training examples (no validation set) and compare its test RMSE
# with the validation choice above.

# %% tags=["solution"]
# Solution 2: cross_validate with hyperparameter="weight_decay" runs weight_decay_sweep per fold.
poly_train = G.polynomial_data(20, noise=noise, seed=0)
cv = G.cross_validate(poly_train, lams, k=5, hyperparameter="weight_decay", degree=degree, seed=0)
cv_test = G.weight_decay_sweep(poly_train, test, [cv.best], degree=degree).val_rmse[0]
print(f"5-fold choice: lambda {cv.best:.0e}, test RMSE {cv_test:.2f}")

# %% tags=["hide-cell"]
assert cv.best > best and cv_test > final.val_rmse[0]

# %% [markdown]
# Here cross-validation does worse than the validation set: it picks a larger $\lambda$ and a
# higher test RMSE. Each of its fits sees only 16 of the 20 examples, and a degree-15 <!-- structural: 16 -->
# polynomial needs every example it can get, so the folds favour stronger decay than the
# final fit on all 20 needs. Cross-validation spares you a validation set, not the question
# of whether its folds resemble the final fit.
