"""The README's example runs and prints what the README shows."""

import doctest
import re
from pathlib import Path

README = Path(__file__).resolve().parents[1] / "README.md"


def test_readme_pycon_blocks_run():
    text = README.read_text()
    blocks = re.findall(r"```pycon\n(.*?)```", text, flags=re.S)
    assert blocks, "README.md lost its example"
    parser, runner = doctest.DocTestParser(), doctest.DocTestRunner(optionflags=doctest.ELLIPSIS)
    for i, block in enumerate(blocks):
        runner.run(parser.get_doctest(block, {}, f"README[{i}]", str(README), 0))
    assert runner.summarize(verbose=False).failed == 0


def test_readme_shows_the_two_commands():
    text = README.read_text()
    assert "make serve" in text and "make test" in text
