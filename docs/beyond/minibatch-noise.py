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
# # Minibatch noise
#
# Minibatch SGD does not follow the gradient of the training loss. It follows an *estimate* of
# it, computed from a few examples, which points somewhere near the true direction and costs a
# small fraction of the work. This page measures how far the estimate strays, how that shrinks as
# the batch grows, and what each extra example costs.
#
# ## The estimate and its error
#
# <!-- see: Measuring it -->
#
# The empirical risk is the mean of the per-example losses, so its gradient is the mean of the
# per-example gradients, and a minibatch $\mathcal B$ averages only some of them:
#
# $$
# \mathbf g = \frac1n \sum_{i=1}^n \nabla \ell_i,
# \qquad
# \mathbf g_{\mathcal B} = \frac{1}{|\mathcal B|} \sum_{i \in \mathcal B} \nabla \ell_i,
# \qquad
# \nabla \ell_i = \big(\mathbf x_i r_i,\; r_i\big) \text{ for } (\mathbf w, b).
# $$
#
# When $\mathcal B$ is drawn at random, $\mathbf g_{\mathcal B}$ is *unbiased*: on average it is
# $\mathbf g$. Its error is the error of a sample mean. Let
# $\boldsymbol\Sigma = \frac1n \sum_{i=1}^n (\nabla \ell_i - \mathbf g)(\nabla \ell_i - \mathbf g)^\top$
# be the covariance of the per-example gradients around $\mathbf g$ (dividing by $n$: the $n$
# examples are the whole population). For a batch drawn without replacement,
#
# $$
# \mathbb E\, \lVert \mathbf g_{\mathcal B} - \mathbf g \rVert^2
# = \frac{\operatorname{tr} \boldsymbol\Sigma}{|\mathcal B|} \cdot \frac{n - |\mathcal B|}{n - 1}.
# $$
#
# The second factor is the finite-population correction: it is close to 1 while
# $|\mathcal B| \ll n$ and reaches 0 at $|\mathcal B| = n$, where the batch *is* the data. So the
# root-mean-square error falls as $1/\sqrt{|\mathcal B|}$: four times the examples for half the
# noise. <!-- see: Exercises --> <!-- from: measured / predicted - 1 | = 1024: measured -->
#
# ## Measuring it
#
# <!-- see: What the noise costs, and what removing it costs -->
#
# Take the synthetic problem of the site, $\mathbf w_\text{true} = (2, -3.4)^\top$, $b_\text{true} = 4.2$ ([notation](../../notation/)), with
# $n = 65536$ examples, and stand where training starts, at $\mathbf w = \mathbf 0$, $b = 0$.
# There the full gradient is close to $-(\mathbf w_\text{true}, b_\text{true})$, because the features are standard
# normal:

# %%
import torch

import d2l_linreg as d2l

X, y = d2l.synthetic_data([2.0, -3.4], 4.2, 2**16, seed=0)
w, b = torch.zeros(2, 1), torch.zeros(1)
grad_w, grad_b = d2l.minibatch_gradients(X, y, w, b)  # all n examples: the full gradient
print("full gradient:", [round(v, 3) for v in grad_w.flatten().tolist() + grad_b.tolist()])

gen = torch.Generator().manual_seed(1)
for batch_size in [1, 32]:
    for _ in range(3):
        idx = torch.randperm(len(X), generator=gen)[:batch_size]
        g_w, g_b = d2l.minibatch_gradients(X[idx], y[idx], w, b)
        print(f"|B| = {batch_size:2}:", [round(v, 3) for v in g_w.flatten().tolist() + g_b.tolist()])

# %% tags=["hide-cell"]
# "close to -(w*, b*)"
assert torch.allclose(torch.cat([grad_w.flatten(), grad_b]), -torch.tensor([2.0, -3.4, 4.2]), atol=0.1)

# %% [markdown]
# Single examples give gradients all over the place; batches of 32 scatter much less around the
# full gradient. `d2l.gradient_noise` makes this systematic. For each batch size it draws 200
# minibatches without replacement (as the shuffled minibatches of an epoch are), computes each
# minibatch gradient with `d2l.minibatch_gradients`, and reports
#
# * the relative error $\lVert \mathbf g_{\mathcal B} - \mathbf g \rVert / \lVert \mathbf g
#   \rVert$ as a root mean square over the draws, next to the value the formula above predicts;
# * the mean cosine between $\mathbf g_{\mathcal B}$ and $\mathbf g$: how well the *direction* of
#   the step agrees;
# * the median wall time of one minibatch gradient (in the figure only: it depends on the machine).

# %%
batch_sizes = [2**k for k in range(11)]  # 1, 2, 4, ..., 1024
table = d2l.gradient_noise(X, y, w, b, batch_sizes=batch_sizes, num_draws=200, seed=0)
print(table)
print(f"slope of log(error) against log(|B|): {table.slope():.3f}")

# %% tags=["hide-cell"]
assert abs(table.slope() + 0.5) < 0.05, table.slope()  # the test suite's tolerance, see tests/test_noise.py
for measured, predicted in zip(table.rel_error, table.predicted_rel_error):
    assert abs(measured / predicted - 1) < 0.2, (measured, predicted)
assert table.cosine == sorted(table.cosine)
assert table.cosine[0] < 0.6 < 0.98 < table.cosine[6]  # one draw of 200 per size: see below
assert table.rel_error[0] > 1 and table.rel_error[8] < 0.11  # |B| = 256: about a tenth

# %% [markdown]
# The measured error follows the formula, and its slope on a log-log scale is $-1/2$. A single
# example is a poor estimate: its error is larger than the gradient itself, and its direction
# agrees with the full gradient only loosely. The mean cosine of 200 draws is itself a random
# number, so one table can put it on either side of a round value; many more draws pin it down:

# %%
many = d2l.gradient_noise(X, y, w, b, batch_sizes=[1, 64], num_draws=4000, seed=0)
print(f"mean cosine over 4000 draws: |B| = 1: {many.cosine[0]:.2f}, |B| = 64: {many.cosine[1]:.2f}")

# %% tags=["hide-cell"]
# The expected cosines, not one draw's: about 0.52 and 0.988 (seeds 0-19 of 200 draws scatter
# from 0.48 to 0.58 and from 0.986 to 0.990); 4000 draws have a standard error near 0.005.
assert 0.5 < many.cosine[0] < 0.55 and 0.985 < many.cosine[1] < 0.992, many.cosine

# %% [markdown]
# So a single example's direction has a mean cosine of about one half with the full gradient
# (between 0.5 and 0.55), 64 examples about 0.99 (between 0.985 and 0.992), and with 256 examples
# the error is about a tenth of the gradient.
#
# <!-- from: table.rel_error[0] > 1 | 1024            64 -->

# %% alt="Three panels against batch size on a logarithmic axis from 1 to 1024. Left: the relative error falls on a straight line of slope minus one half in log-log scale, from above 1 to about 0.05, on top of the dashed theoretical line. Middle: the mean cosine between minibatch and full gradient rises from about one half to almost 1. Right: the time per update measured on the machine that built this page, next to a dotted line that grows in proportion to the batch size."
fig = d2l.plot_gradient_noise(table)
fig

# %% [markdown]
# ## What the noise costs, and what removing it costs
#
# With a fixed budget of examples — say one epoch — a batch size of $|\mathcal B|$ buys
# $n / |\mathcal B|$ updates, each with a relative error of about $c / \sqrt{|\mathcal B|}$.
# Doubling the batch halves the number of updates but removes only $1 - 1/\sqrt 2 \approx 29\%$
# of the noise of each. Far from the minimum, where the gradient is large and the direction is
# what matters, many cheap noisy steps make more progress per example than few accurate ones;
# this is why minibatch SGD beats full-batch gradient descent on large data sets (the
# [training-loop page](../../implementation/scratch/) compares the two on this problem).
#
# Counting examples is not the whole story, though. The right panel shows the wall time of one
# update, measured on the machine that built this page (timings differ from machine to machine
# and from run to run, so they are shown, never checked). On a typical CPU it grows far more
# slowly than $|\mathcal B|$, because small batches leave the hardware mostly idle and the time
# goes into fixed per-call overheads. Where the time per update is flat,
# a larger batch reduces the noise for free. In practice the batch size is chosen as the largest
# that keeps the time per update nearly flat (and fits in memory), and the learning rate is tuned
# with it.

# %% tags=["hide-cell"]
assert abs((1 - 2**-0.5) - 0.29) < 0.005  # "about 29%"
# Timings depend on the machine and its load: shown, never compared. Only sanity is checked.
assert all(0 < t < float("inf") for t in table.seconds_per_update), table.seconds_per_update

# %% [markdown]
# ## Exercises
#
# <!-- see: Measuring it -->
#
# **1. Near the minimum.** Repeat the measurement at the true parameters $\mathbf w_\text{true}, b_\text{true}$
# instead of at zero. What happens to the relative error and the cosine, and why?

# %% tags=["solution"]
# Solution 1: at (w*, b*) the residual is r_i = -ε_i, so the full gradient is only the average
# of the noise terms -x_i ε_i, which nearly cancel over n examples; each example's does not shrink.
w_star, b_star = torch.tensor([[2.0], [-3.4]]), torch.tensor([4.2])
near = d2l.gradient_noise(X, y, w_star, b_star, batch_sizes=[1, 32, 1024], num_draws=200, seed=0)
for B, e, p, c in zip(near.batch_sizes, near.rel_error, near.predicted_rel_error, near.cosine):
    print(f"|B| = {B:4}: rel. error {e:5.3g}, theory {p:5.3g}, cosine {c:+.2f}")

# %% tags=["hide-cell"]
assert near.rel_error[0] > 100 and near.rel_error[-1] > 10, near.rel_error
assert all(abs(c) < 0.5 for c in near.cosine), near.cosine

# %% [markdown]
# The relative error is now in the hundreds for single examples and still more than ten times the
# gradient at $|\mathcal B| = 1024$, and the cosine hovers near zero: near the minimum a minibatch
# gradient is mostly noise. SGD with a constant learning rate therefore does not settle at the
# minimum but jitters around it, at a distance set by the learning rate and the batch size. That
# is why training ends with a smaller learning rate or a larger batch.
#
# **2. Choose a batch size from the formula.** Using only the predicted error of $|\mathcal B| = 1$ <!-- structural: 2 -->
# at $\mathbf w = \mathbf 0$, find the smallest batch size whose predicted relative error is below
# 0.1. Then measure it. <!-- from: error at | needed = math.ceil -->

# %% tags=["solution"]
# Solution 2: the error scales as 1/sqrt(|B|), so |B| >= (error at |B| = 1 / 0.1)^2.
import math

one = table.predicted_rel_error[0]
needed = math.ceil((one / 0.1) ** 2)
check = d2l.gradient_noise(X, y, w, b, batch_sizes=[needed], num_draws=200, seed=1)
print(f"error at |B| = 1: {one:.3f}; |B| = {needed}: measured {check.rel_error[0]:.3f}")

# %% tags=["hide-cell"]
assert 250 < needed < 350, needed
assert abs(check.rel_error[0] / 0.1 - 1) < 0.2, check.rel_error  # sampling error of 200 draws

# %% [markdown]
# A few hundred examples; the measurement lands within sampling error of the target $0.1$ (the
# formula's finite-population factor is negligible here: $|\mathcal B| \ll n$). <!-- from: needed = math.ceil | check.rel_error[0] / 0.1 -->
#
# **3. When the batch is most of the data.** Measure on the first 1024 examples only, with <!-- structural: 3 -->
# $|\mathcal B|$ up to 1024. Where does the error leave the $1/\sqrt{|\mathcal B|}$ line?

# %% tags=["solution"]
# Solution 3: without replacement, (n - |B|) / (n - 1) takes over as |B| approaches n.
small = d2l.gradient_noise(X[:1024], y[:1024], w, b, batch_sizes=[16, 256, 512, 1024], seed=0)
for B, measured in zip(small.batch_sizes, small.rel_error):
    naive = small.rel_error[0] * (16 / B) ** 0.5  # extrapolated from |B| = 16 along 1/sqrt(|B|)
    print(f"|B| = {B:4}: measured {measured:.4f}, 1/sqrt(|B|) line {naive:.4f}")

# %% tags=["hide-cell"]
ratios = [m / (small.rel_error[0] * (16 / B) ** 0.5) for B, m in zip(small.batch_sizes, small.rel_error)]
assert 0.8 < ratios[1] < 1.0 and 0.6 < ratios[2] < 0.8 and small.rel_error[-1] < 1e-5, ratios
assert f"{0.5**0.5:.2f}" == "0.71"  # the finite-population factor at |B| = n / 2, as quoted

# %% [markdown]
# At a quarter of the data the error is slightly below the line; at half of it, about
# $\sqrt{1/2} \approx 0.71$ of the line; and at $|\mathcal B| = n$ it is zero (up to float32
# rounding): the whole data set has no sampling error.
