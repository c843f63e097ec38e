"""d2l_linreg: linear regression and the training loop, with every number tested."""

__version__ = "0.1.0"
