"""Words of prose per page: what a reader reads, not the code they run.

Counts the words of each page under docs/ outside code: fenced code blocks, HTML comments
(invisible code blocks, number-check markers), display math and the code cells of jupytext
notebooks are left out; inline math counts as one word. With ``--ref REV`` it also reads every
page as of a git revision and prints both columns, e.g.

    python benchmarks/prose_words.py --ref main

Only a count of words, so it is the same on every machine.
"""

from __future__ import annotations

import argparse
import re
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FENCE = re.compile(r"^(\s*)(`{3,}|~{3,})")
COMMENT = re.compile(r"<!--.*?-->", re.S)
DISPLAY_MATH = re.compile(r"\$\$.*?\$\$", re.S)
INLINE_MATH = re.compile(r"\$[^$\n]+\$")
INLINE_CODE = re.compile(r"`[^`\n]+`")
WORD = re.compile(r"[A-Za-z0-9][\w'’.-]*")


def markdown_prose(text: str) -> str:
    """The Markdown ``text`` without code blocks, comments and display math."""
    text = COMMENT.sub(" ", text)
    kept, fence = [], None
    for line in text.splitlines():
        match = FENCE.match(line)
        if fence is None and match:
            fence = match.group(2)[0] * 3
        elif fence is not None and line.strip().startswith(fence):
            fence = None
        elif fence is None:
            kept.append(line)
    text = DISPLAY_MATH.sub(" ", "\n".join(kept))
    text = INLINE_MATH.sub(" math ", text)
    return INLINE_CODE.sub(" code ", text)


def notebook_markdown(text: str) -> str:
    """The Markdown cells of a jupytext percent notebook, comment marks removed."""
    cells, inside = [], False
    for line in text.splitlines():
        if line.startswith("# %%"):
            inside = "[markdown]" in line
        elif inside:
            cells.append(line[2:] if line.startswith("# ") else line.lstrip("#"))
    return "\n".join(cells)


def prose_words(path: str, text: str) -> int:
    """How many words of prose the page at ``path`` (relative to docs/) with ``text`` has."""
    if path.endswith(".py"):
        text = notebook_markdown(text)
    return len(WORD.findall(markdown_prose(text)))


def pages_now() -> dict[str, str]:
    docs = ROOT / "docs"
    return {
        str(p.relative_to(docs)): p.read_text(encoding="utf-8")
        for p in sorted(docs.rglob("*"))
        if p.suffix in {".md", ".py"} and "hooks" not in p.parts and p.is_file()
    }


def pages_at(ref: str) -> dict[str, str]:
    names = subprocess.run(
        ["git", "ls-tree", "-r", "--name-only", ref, "docs/"],
        cwd=ROOT,
        check=True,
        capture_output=True,
        text=True,
    ).stdout.split()
    out = {}
    for name in names:
        if name.endswith((".md", ".py")) and "/hooks/" not in name:
            show = ["git", "show", f"{ref}:{name}"]
            text = subprocess.run(show, cwd=ROOT, check=True, capture_output=True, text=True)
            out[name.removeprefix("docs/")] = text.stdout
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ref", help="also count the pages as of this git revision")
    args = parser.parse_args()
    now = {k: prose_words(k, v) for k, v in pages_now().items()}
    if args.ref is None:
        for name, words in now.items():
            print(f"{name:44} {words:6}")
        print(f"{'total':44} {sum(now.values()):6}")
        return
    before = {k: prose_words(k, v) for k, v in pages_at(args.ref).items()}
    print(f"| page | {args.ref} | now | change |\n|---|---:|---:|---:|")
    for name in sorted(set(now) | set(before)):
        a, b = before.get(name, 0), now.get(name, 0)
        print(f"| {name} | {a} | {b} | {b - a:+d} |")
    a, b = sum(before.values()), sum(now.values())
    print(f"| total | {a} | {b} | {b - a:+d} |")


if __name__ == "__main__":
    main()
