"""The public facade: every name in __all__ resolves, and importing the package stays light."""

import subprocess
import sys

import d2l_linreg


def test_every_public_name_resolves():
    missing = [name for name in d2l_linreg.__all__ if not hasattr(d2l_linreg, name)]
    assert missing == []
    assert len(set(d2l_linreg.__all__)) == len(d2l_linreg.__all__)
    assert set(d2l_linreg.__all__) <= set(dir(d2l_linreg))


def test_import_does_not_load_matplotlib_until_a_plot_is_asked_for():
    code = (
        "import sys, d2l_linreg as d2l\n"
        "assert 'matplotlib' not in sys.modules, 'matplotlib imported eagerly'\n"
        "d2l.plot_loss_curves\n"
        "assert 'matplotlib' in sys.modules\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)
