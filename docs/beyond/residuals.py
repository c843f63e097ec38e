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
# # Residual diagnostics
#
# A fitted model leaves one number per example: the residual $r_i = \hat y_i - y_i$. (This site
# uses the sign of the gradient formulas; statistics texts often write $y_i - \hat y_i$. Nothing
# below depends on the sign; the other symbols are as on the [notation](../../notation/) page.) When the model captures everything systematic in the data, the
# residuals look like noise: centred on zero, with the same spread everywhere, and unrelated to
# the fitted values, to any feature, or to any category. When they are *not* like that, the
# pattern says what the model is missing:
#
# | pattern in the residuals | what is probably missing |
# |---|---|
# | they **curve** against a feature or the fitted values | a nonlinear effect (a square, a threshold, a saturation) |
# | their spread **fans out** as the fitted values grow | the noise is not constant (heteroscedasticity) |
# | their mean **differs by category** | an effect of the category (or an interaction with it) |
#
# This page fits a straight line to four synthetic problems built to show each pattern, plots
# the residuals, and turns each pattern into a number with a threshold, so that a test (or a
# training script) can raise a flag instead of relying on someone looking at a plot.

# %%
import torch

import d2l_linreg as d2l

# %% [markdown]
# ## Four problems, one straight line
#
# Each problem has $n = 400$ examples with one feature $x$ drawn uniformly from $[0, 4]$, a
# random label $g \in \{0, 1, 2\}$ per example (a category such as a store or a site), and <!-- structural: 1 2 -->
# standard normal noise $\epsilon$. The four targets are
#
# <!-- from: eps = y0 - (1 + 2 * X0) | cases["curved"][1] - y0 | cases["fanning"][1], 1 + 2 | torch.tensor([-1.0, 0.0, 1.0]) -->
# $$
# \begin{aligned}
# \text{adequate:}\quad & y = 1 + 2x + \epsilon \\
# \text{curved:}\quad & y = 1 + 2x + 0.6\,(x - 2)^2 + \epsilon \\
# \text{fanning:}\quad & y = 1 + 2x + (0.1 + 0.6\,x)\,\epsilon \\
# \text{shifted:}\quad & y = 1 + 2x + \delta_g + \epsilon, \qquad \delta = (-1, 0, 1)
# \end{aligned}
# $$
#
# `d2l.diagnostics.residual_case(kind, seed=...)` draws them. We fit the same model to all four — a straight
# line $\hat y = w x + b$ by least squares — and keep the fitted values:

# %%
cases = {}
for kind in ["adequate", "curved", "fanning", "shifted"]:
    X, y, groups = d2l.diagnostics.residual_case(kind, seed=0)  # X (400, 1), y (400, 1), groups (400,)
    fit = d2l.fit_least_squares(X, y)
    y_hat = X.double() @ fit.w + fit.b  # (400, 1) @ (1,) -> (400,)
    cases[kind] = (X, y, groups, y_hat)
    print(f"{kind:9} w = {fit.w.item():.3f}, b = {fit.b:.3f}")

# %% tags=["hide-cell"]
# The formulas above are what residual_case draws: every kind uses the same x, g and ε.
X0, y0, g0, _ = cases["adequate"]
eps = y0 - (1 + 2 * X0)
assert float(X0.min()) >= 0 and float(X0.max()) <= 4 and len(X0) == 400
assert abs(float(eps.std()) - 1) < 0.1 and set(g0.tolist()) == {0, 1, 2}
for kind, (X, _, g, _) in cases.items():
    assert torch.equal(X, X0) and torch.equal(g, g0), kind
assert torch.allclose(cases["curved"][1] - y0, 0.6 * (X0 - 2) ** 2, atol=1e-5)
assert torch.allclose(cases["fanning"][1], 1 + 2 * X0 + (0.1 + 0.6 * X0) * eps, atol=1e-5)
delta = torch.tensor([-1.0, 0.0, 1.0])[g0].reshape(-1, 1)
assert torch.allclose(cases["shifted"][1] - y0, delta, atol=1e-5)
# "Every fit recovers a slope near 2."
for kind, (X, y, _, _) in cases.items():
    assert abs(d2l.fit_least_squares(X, y).w.item() - 2) < 0.1, kind

# %% [markdown]
# Every fit recovers a slope near 2. The coefficients alone do not tell the four problems
# apart; the residuals do. <!-- from: .w.item() - 2 -->
#
# ## Looking at the residuals
#
# `d2l.plot_residuals(y_hat, y, feature=..., groups=...)` draws three views of the same
# residuals: against the fitted values, against the feature, and as one box per group (the
# points are coloured by group in the first two panels). For the adequate model, all three views
# show a shapeless band around zero:

# %% alt="Three panels for the adequate model. Residuals against fitted values and against the feature form a horizontal band of constant width around zero; the three boxes per group are centred on zero."
X, y, groups, y_hat = cases["adequate"]
fig = d2l.plot_residuals(y_hat, y, feature=X, groups=groups)
fig.suptitle("adequate: no structure")
fig

# %% [markdown]
# When the truth has a square term, the line is too high in the middle and too low at both ends,
# so the residuals trace an arch — in $\hat y$ and in $x$ alike (with one feature, $\hat y$ is a
# linear function of $x$). Because $r = \hat y - y$, the U shape of the data shows up upside down.

# %% alt="Three panels for the curved problem. Residuals against fitted values and against the feature form an arch: positive in the middle, negative at both ends. The group boxes are all centred near zero."
X, y, groups, y_hat = cases["curved"]
fig = d2l.plot_residuals(y_hat, y, feature=X, groups=groups)
fig.suptitle("curved: a missing square term")
fig

# %% tags=["hide-cell"]
# "too high in the middle, too low at both ends": r > 0 in the middle, r < 0 at the ends
r = (y_hat - y.double().reshape(-1)).reshape(-1)
x = X.reshape(-1)
middle, ends = (x - 2).abs() < 0.5, (x - 2).abs() > 1.5
assert float(r[middle].mean()) > 0 > float(r[ends].mean())

# %% [markdown]
# When the noise grows with the level, the band widens from left to right: a fan. The mean of the
# residuals is still zero everywhere, so the line itself is fine; what is wrong is the assumption
# of one noise level $\sigma$ for all examples.

# %% alt="Three panels for the fanning problem. Residuals against fitted values and against the feature are tightly packed near zero on the left and spread widely on the right, like a fan. The group boxes are similar to each other."
X, y, groups, y_hat = cases["fanning"]
fig = d2l.plot_residuals(y_hat, y, feature=X, groups=groups)
fig.suptitle("fanning: the noise grows with the level")
fig

# %% tags=["hide-cell"]
# "the band widens from left to right"; "the mean of the residuals is still zero everywhere"
r = (y_hat - y.double().reshape(-1)).reshape(-1)
x = X.reshape(-1)
left, right = x < 1, x > 3
assert float(r[right].std()) > 3 * float(r[left].std())
assert abs(float(r[left].mean())) < 0.3 and abs(float(r[right].mean())) < 0.3

# %% [markdown]
# When each group has its own offset, the residuals against $\hat y$ and $x$ look like noise —
# only wider — and the structure hides in the third panel: the boxes of the groups sit at
# different heights. A plot against the wrong variable can miss a pattern completely.
#
# <!-- structural: 0 1 2 -->

# %% alt="Three panels for the shifted problem. Residuals against fitted values and against the feature form a wide band with no shape, but the three group boxes sit at clearly different heights, ordered group 0 above group 1 above group 2."
X, y, groups, y_hat = cases["shifted"]
fig = d2l.plot_residuals(y_hat, y, feature=X, groups=groups)
fig.suptitle("shifted: an effect of the category")
fig

# %% tags=["hide-cell"]
# "group 0 above group 1 above group 2" (r = y_hat - y, and y is shifted by -1, 0, +1)
r = (y_hat - y.double().reshape(-1)).reshape(-1)
means = [float(r[groups == k].mean()) for k in range(3)]
assert means[0] > means[1] > means[2], means

# %% [markdown]
# ## From pictures to numbers
#
# <!-- see: Going deeper: the three tests and their thresholds -->
#
# `d2l.diagnose(y_hat, y, feature=None, groups=None)` turns each of the three patterns into one
# number, a *test statistic*, that stays small when the model is adequate: $W$ for curvature,
# $nR^2$ for a fan (heteroscedasticity: a spread that changes along the feature), and $F$ for a
# shift between groups. A **flag** is raised when a statistic exceeds a threshold that an adequate
# model exceeds only rarely, by chance: with the default $\alpha = 0.001$, about once in a
# thousand fits for each flag. How each statistic is computed and where its threshold comes from
# is in the going-deeper section below; what matters here is the verdict.
#
# Each `Flag` holds its `statistic`, `threshold`, `p_value` and a `description`, and is true when
# raised; `diagnosis.flagged` lists the raised flags by name. For the four problems:

# %%
diagnoses = {}
for kind, (X, y, groups, y_hat) in cases.items():
    diagnoses[kind] = d2l.diagnose(y_hat, y, feature=X, groups=groups)
    print(f"--- {kind}: flagged {diagnoses[kind].flagged}")
    print(diagnoses[kind])

# %% tags=["hide-cell"]
expected = {
    "adequate": (),
    "curved": ("curvature",),
    "fanning": ("heteroscedasticity",),
    "shifted": ("group_shift",),
}
for kind, diagnosis in diagnoses.items():
    assert diagnosis.flagged == expected[kind], (kind, diagnosis)
# "by a wide margin": each raised statistic is at least 4 times its threshold
for kind, name in [("curved", "curvature"), ("fanning", "heteroscedasticity"), ("shifted", "group_shift")]:
    flag = getattr(diagnoses[kind], name)
    assert flag.statistic > 4 * flag.threshold, (kind, flag)

# %% [markdown]
# Each problem raises exactly its own flag, by a wide margin, and the adequate model raises none.
# The test suite checks this for ten seeds of each problem, with the statistics computed against
# the feature and against the fitted values, and compares each statistic with an independent
# computation (SciPy's analysis of variance, and the textbook formulas in NumPy).
#
# ### Going deeper: the three tests and their thresholds
#
# This part uses some statistics: a **standard error** is the standard deviation of an estimate
# over repeated samples, and a $\chi^2_k$ (chi-squared) distribution is that of a sum of $k$
# squared independent standard normal variables; its $1 - \alpha$ *quantile* is the value it
# exceeds with probability $\alpha$. Let $z$ be the standardized feature (or, without a feature,
# the standardized fitted values):
#
# * **Curvature.** Fit the residuals with a parabola, $r \approx c_0 + c_1 z + c_2 z^2$, by least
#   squares. If the residuals do not curve, $c_2$ is zero up to noise. The statistic is
#   $W = (c_2 / \mathrm{se}(c_2))^2$, with a *heteroscedasticity-robust* standard error
#   $\mathrm{se}$ (White's, which estimates the noise of each example from its own squared residual), so that a fan cannot
#   pass for a curve. With no curvature, $W$ follows a $\chi^2_1$ distribution. <!-- from: chi2_1 quantile -->
# * **Heteroscedasticity.** Take the residuals $e$ of that parabola fit (so that a curve is not
#   mistaken for a fan) and regress their squares $e^2$ on $1, z, z^2$. If the spread is the same
#   everywhere, $z$ predicts nothing, and $n R^2$ of this regression follows a $\chi^2_2$
#   distribution (the Breusch–Pagan test in Koenker's version, which does not assume normal noise).
# * **Group shift.** The one-way analysis of variance (ANOVA) of the residuals by group, which
#   compares the spread of the group means with the spread within the groups:
#   $F = \dfrac{\text{between-group mean square}}{\text{within-group mean square}}$. With $k$
#   groups and no shift, $(k - 1) F$ follows a $\chi^2_{k-1}$ distribution when $n$ is large.
#
# Each flag is raised when its statistic exceeds the $1 - \alpha$ quantile of its
# distribution. The default $\alpha = 0.001$ means that an adequate model raises a given flag
# about once in a thousand fits:

# %%
alpha = 0.001
print(f"curvature threshold          chi2_1 quantile     = {d2l.diagnostics.chi2_quantile(1 - alpha, 1):.2f}")
print(f"heteroscedasticity threshold chi2_2 quantile     = {d2l.diagnostics.chi2_quantile(1 - alpha, 2):.2f}")
print(f"group-shift threshold        chi2_2 quantile / 2 = {d2l.diagnostics.chi2_quantile(1 - alpha, 2) / 2:.2f}")

# %% [markdown]
# These $\chi^2$ distributions are large-sample limits, and with few examples they make the
# flags too eager: with a dozen examples, the $\chi^2$ thresholds raise a false curvature or group
# flag several times more often than $\alpha$ promises. So `diagnose` uses small-sample
# references. For curvature, the robust standard error is a weighted sum of squared residuals
# whose mean and spread under "no curvature" follow from the design; matching them
# (Satterthwaite's approximation) gives an $F(1, \nu)$ reference with $\nu$ degrees of freedom
# computed from $z$. For group shifts, the analysis of variance has the exact
# $F(k - 1, n - k)$ distribution. The fan test's $\chi^2_2$ is already cautious at small $n$.
# These thresholds sit a little above the $\chi^2$ values printed above (see the tables below)
# and approach them as $n$ grows. The promise is measured, not assumed:
# `d2l.diagnostics.false_alarm_rates(n, num_problems, alpha=...)` diagnoses simulated adequate
# models, and on 2,000 of them at $n = 12$ and at $n = 50$ each flag's false-alarm rate at
# $\alpha = 0.01$ stays at most 0.015 (the margin above $\alpha$ is the random spread of a rate
# measured on 2,000 problems). <!-- from: false_alarm_rates(n, 2000 | chi2_1 quantile -->

# %% tags=["hide-cell"]
# "on 2,000 of them at n = 12 and at n = 50 each flag's false-alarm rate at alpha = 0.01 stays
# at most 0.015"; "a little above the chi2 values"; "approach them as n grows"
for n in [12, 50]:
    rates = d2l.diagnostics.false_alarm_rates(n, 2000, alpha=0.01, seed=0)
    assert max(rates.values()) <= 0.015, (n, rates)
    assert rates["heteroscedasticity"] <= 0.01, rates  # "already cautious"
# "with a dozen examples, the chi2 thresholds raise a false curvature or group flag several
# times more often than alpha promises": 400 adequate models, alpha = 0.01 (4 expected flags)
old = {"curvature": 0, "group_shift": 0}
for seed in range(400):
    X12, y12, _ = d2l.diagnostics.residual_case("adequate", 12, seed=seed)
    A = torch.cat([torch.ones_like(X12), X12], dim=1).double()  # the straight line, fitted fast
    y12_hat = A @ torch.linalg.lstsq(A, y12.double()).solution
    d = d2l.diagnose(y12_hat, y12, feature=X12, groups=torch.arange(12) % 3)
    old["curvature"] += d.curvature.statistic > d2l.diagnostics.chi2_quantile(0.99, 1)
    old["group_shift"] += d.group_shift.statistic > d2l.diagnostics.chi2_quantile(0.99, 2) / 2
assert min(old.values()) >= 3 * 4, old
Xa, ya, ga, ya_hat = cases["adequate"]
flags = d2l.diagnose(ya_hat, ya, feature=Xa, groups=ga).flags
for flag, df in zip(flags, [1, 2, 2]):
    limit = d2l.diagnostics.chi2_quantile(1 - alpha, df) / (df if flag.name == "group_shift" else 1)
    assert limit <= flag.threshold < 1.1 * limit, flag
big = d2l.diagnose(
    *[t.repeat(10, 1) for t in (ya_hat.reshape(-1, 1), ya)], feature=Xa.repeat(10, 1)
).curvature
assert big.threshold < flags[0].threshold, (big, flags[0])

# %% [markdown]
# ## Acting on a flag
#
# A flag suggests a change to the model; refitting and diagnosing again tells whether the change
# worked. For the curved problem, add the square of the feature; for the shifted problem, add one
# indicator column per group (one-hot, dropping one group, whose effect the bias absorbs):

# %%
X, y, groups, _ = cases["curved"]
X_square = torch.cat([X, X**2], dim=1)  # (400, 2): x and x²
fit = d2l.fit_least_squares(X_square, y)
curved_again = d2l.diagnose(X_square.double() @ fit.w + fit.b, y, feature=X, groups=groups)
print("curved, with x²:     ", curved_again.flagged, f"(W = {curved_again.curvature.statistic:.2f})")

X, y, groups, _ = cases["shifted"]
one_hot = torch.nn.functional.one_hot(groups, 3)[:, 1:].float()  # (400, 2): groups 1 and 2
X_groups = torch.cat([X, one_hot], dim=1)
fit = d2l.fit_least_squares(X_groups, y)
shifted_again = d2l.diagnose(X_groups.double() @ fit.w + fit.b, y, feature=X, groups=groups)
print("shifted, with groups:", shifted_again.flagged, f"(F = {shifted_again.group_shift.statistic:.2f})")
print("estimated group effects relative to group 0:", [round(v, 2) for v in fit.w[1:].tolist()])

# %% tags=["hide-cell"]
assert curved_again.flagged == () and shifted_again.flagged == ()
assert curved_again.curvature.statistic < 1e-12 and shifted_again.group_shift.statistic < 1e-12  # "exactly zero"
assert torch.allclose(fit.w[1:], torch.tensor([1.0, 2.0], dtype=torch.float64), atol=0.35)  # δ_g - δ_0

# %% [markdown]
# Both flags are gone, and the group effects come out near the true differences $\delta_1 -
# \delta_0$ and $\delta_2 - \delta_0$. Note that the statistic of the fixed pattern is not just
# small but exactly zero: least squares makes the residuals orthogonal to every column of the
# design, so they cannot correlate with $x^2$ (or differ in mean between groups) once that column
# is in the model. Re-diagnosing the pattern you just added proves nothing; the real check is that
# no *other* flag appears — and a fresh validation set.
#
# A fan is different: the straight line is already the right
# mean, so no new feature removes it. The remedies change the noise model instead — fit
# $\log y$ when the noise is proportional to the level, or weight each example by
# $1/\sigma_i^2$ (weighted least squares) — and, at the least, stop trusting a single $\sigma$
# for the uncertainty of predictions.
#
# ### What the flags do not say
#
# <!-- see: Exercises -->
#
# A flag says that the residuals have structure, not which feature is responsible or what
# shape the missing effect has. Curvature is tested against one variable at a time; a curve
# in a feature you did not pass may show up only weakly in the fitted values (exercise 3). <!-- structural: 3 -->
# And with very many examples, tiny, harmless effects become statistically significant: look
# at the plot, and at the size of the effect, before acting on a flag.
#
# ## Exercises
#
# <!-- see: From pictures to numbers --> <!-- see: Going deeper: the three tests and their thresholds -->
#
# **1. How many examples does a flag need?** Draw the curved problem with $n = 25, 50, 100, 400$ <!-- structural: 1 -->
# examples, 20 seeds each, and count how often the curvature flag is raised.

# %% tags=["solution"]
# Solution 1: the statistic grows in proportion to n for a fixed effect, so power rises with n.
def flag_rate(kind, name, n, seeds=range(20)):
    raised = 0
    for seed in seeds:
        X, y, groups = d2l.diagnostics.residual_case(kind, n, seed=seed)
        fit = d2l.fit_least_squares(X, y)
        diagnosis = d2l.diagnose(X.double() @ fit.w + fit.b, y, feature=X, groups=groups)
        raised += bool(getattr(diagnosis, name))
    return raised / len(seeds)


rates = {n: flag_rate("curved", "curvature", n) for n in [25, 50, 100, 400]}
print(rates)

# %% tags=["hide-cell"]
assert rates[25] < 0.5 and rates[100] == rates[400] == 1.0, rates
assert list(rates.values()) == sorted(rates.values()), rates

# %% [markdown]
# With 25 examples the same curve is missed in more than half of the seeds; from 100 examples on
# it is found every time. A missing flag on a small data set is weak evidence that the model is
# adequate.
#
# **2. False alarms.** Diagnose 100 seeds of the *adequate* problem at $\alpha = 0.05$. How many <!-- structural: 2 -->
# flags of each kind do you expect, and how many do you get?

# %% tags=["solution"]
# Solution 2: each flag is raised with probability about alpha on an adequate model: ~5 in 100.
counts = {"curvature": 0, "heteroscedasticity": 0, "group_shift": 0}
for seed in range(100):
    X, y, groups = d2l.diagnostics.residual_case("adequate", seed=seed)
    fit = d2l.fit_least_squares(X, y)
    for name in d2l.diagnose(X.double() @ fit.w + fit.b, y, feature=X, groups=groups, alpha=0.05).flagged:
        counts[name] += 1
print(counts)

# %% tags=["hide-cell"]
# Binomial(100, 0.05): mean 5, standard deviation 2.2; 0..12 is a band of more than 3 sd.
assert all(0 <= c <= 12 for c in counts.values()), counts
assert abs((1 - (1 - 0.05) ** 3) - 1 / 7) < 0.01  # "one model in seven": 1 - 0.95³ = 0.143

# %% [markdown]
# About five of each, as $\alpha = 0.05$ promises: with three flags checked on every model, one
# model in seven would raise at least one false flag. That is why the default is $0.001$. <!-- from: (1 - 0.05) ** 3 | alpha = 0.001 -->
#
# **3. A curve the fitted values hide.** Let $y = x_1 + 0.5\,x_2^2 + \epsilon$ with two standard <!-- structural: 3 -->
# normal features, and fit a plane. Diagnose against the fitted values, then against $x_2$.

# %% tags=["solution"]
# Solution 3: x2² is uncorrelated with x2, so the plane gives x2 little weight and y_hat is
# nearly x1 alone: seen through y_hat, the parabola in x2 looks like noise.
gen = torch.Generator().manual_seed(0)
X2 = torch.randn(400, 2, generator=gen)
y2 = X2[:, :1] + 0.5 * X2[:, 1:] ** 2 + torch.randn(400, 1, generator=gen)
fit = d2l.fit_least_squares(X2, y2)
y2_hat = X2.double() @ fit.w + fit.b
against_fitted = d2l.diagnose(y2_hat, y2).curvature
against_x2 = d2l.diagnose(y2_hat, y2, feature=X2[:, 1]).curvature
print(f"against y_hat: W = {against_fitted.statistic:.1f}, against x2: W = {against_x2.statistic:.1f}")

# %% tags=["hide-cell"]
assert against_x2.flagged and against_x2.statistic > 5 * against_fitted.statistic
assert float(torch.corrcoef(torch.stack([y2_hat.flatten(), X2[:, 0].double()]))[0, 1]) > 0.95  # "mostly x1"

# %% [markdown]
# Seen through $\hat y$, which is mostly $x_1$, the curve in $x_2$ is diluted; against $x_2$ itself
# it is unmistakable. Diagnose against each feature you suspect, not only against the fitted
# values.
