"""``python -m d2l_linreg``: see :mod:`d2l_linreg.cli`."""

from d2l_linreg.cli import main

raise SystemExit(main())
