"""CSV files as people write them: load_csv and the streaming iter_csv_chunks."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import torch

import d2l_linreg as d2l


def _write(tmp_path: Path, content: str | bytes, name: str = "d.csv") -> Path:
    path = tmp_path / name
    if isinstance(content, str):
        content = content.encode()
    path.write_bytes(content)
    return path


def test_a_byte_order_mark_is_dropped(tmp_path):
    # Excel's "CSV UTF-8" starts with U+FEFF; it must not become part of the first name.
    path = _write(tmp_path, "\ufeffy,x\n1,2\n3,4\n")
    X, y, names = d2l.data.load_csv(path, target="y")
    assert names == ["x"] and y.tolist() == [[1.0], [3.0]] and X.tolist() == [[2.0], [4.0]]
    assert d2l.data.iter_csv_chunks(path).target == "y"


@pytest.mark.parametrize(
    ("header", "match"),
    [
        ("y,x,x", r"repeats a column name \('x' in columns 2, 3\); give each column its own name"),
        ("y,a, y,a", r"\('a' in columns 2, 4; 'y' in columns 1, 3\)"),
    ],
)
def test_repeated_column_names_are_refused_by_name(tmp_path, header, match):
    path = _write(tmp_path, header + "\n" + ",".join(["1"] * header.count(",")) + ",1\n")
    with pytest.raises(ValueError, match=match):
        d2l.data.load_csv(path)
    with pytest.raises(ValueError, match=match):
        d2l.data.iter_csv_chunks(path)  # checked at once, before any row is read


def test_a_file_without_a_header_row_is_refused_with_the_fix(tmp_path):
    path = _write(tmp_path, "1,2.5,-3e2\n4,5,6\n")
    with pytest.raises(
        ValueError,
        match=r"the first row \(1,2.5,-3e2\) is all numbers, so the file has no header row; "
        r"add a first line with one name per column, e.g. y,x1,x2",
    ):
        d2l.data.load_csv(path)
    # One name among numbers is a header (a column may be called "2020").
    X, _y, names = d2l.data.load_csv(_write(tmp_path, "y,2020\n1,2\n", "year.csv"))
    assert names == ["2020"] and X.tolist() == [[2.0]]


def test_blank_lines_crlf_quotes_and_whitespace_are_read(tmp_path):
    path = _write(tmp_path, '\r\n"y", x \r\n\r\n"1", 2.5 \r\n  \r\n3,4\r\n')
    X, y, names = d2l.data.load_csv(path)
    assert names == ["x"] and X.tolist() == [[2.5], [4.0]] and y.tolist() == [[1.0], [3.0]]


def test_chunks_stacked_equal_the_whole_file(tmp_path):
    rng = np.random.default_rng(0)
    data = rng.standard_normal((1000, 4)) * 10.0 ** rng.integers(-5, 6, (1000, 4))
    path = tmp_path / "big.csv"
    with path.open("w") as f:
        f.write("a,b,t,c\n")
        np.savetxt(f, data, delimiter=",", fmt="%.17g")  # round-trips float64 exactly
    X, y, names = d2l.data.load_csv(path, target="t")
    assert names == ["a", "b", "c"] and X.dtype == y.dtype == torch.float64
    assert np.array_equal(X.numpy(), data[:, [0, 1, 3]]) and np.array_equal(y.numpy(), data[:, 2:3])
    chunks = d2l.data.iter_csv_chunks(path, 7, target="t")
    assert chunks.feature_names == names and chunks.target == "t"
    for _ in range(2):  # re-iterable: a solver may take two passes
        blocks = list(chunks)
        assert [len(yb) for _, yb in blocks] == [7] * 142 + [6]
        assert all(Xb.shape[1] == 3 and yb.shape[1] == 1 for Xb, yb in blocks)
        assert torch.equal(torch.cat([Xb for Xb, _ in blocks]), X)
        assert torch.equal(torch.cat([yb for _, yb in blocks]), y)
    X32, y32, _ = d2l.data.load_csv(path, target="t", dtype=torch.float32)
    assert (
        X32.dtype == torch.float32 and torch.equal(X32, X.float()) and torch.equal(y32, y.float())
    )


def test_a_bad_cell_in_a_later_chunk_names_its_row(tmp_path):
    rows = [f"{i},{2 * i}" for i in range(20)]
    rows[12] = "12,abc"  # line 14 of the file (the header is line 1)
    path = _write(tmp_path, "y,x\n" + "\n".join(rows) + "\n")
    chunks = d2l.data.iter_csv_chunks(path, 5)
    with pytest.raises(ValueError, match=r"row 14, column 'x' is not a number \(got 'abc'\)"):
        list(chunks)
    path = _write(tmp_path, "y,x\n" + "\n".join([*rows[:12], "12,inf", "13"]) + "\n", "e.csv")
    with pytest.raises(ValueError, match=r"row 14, column 'x' is empty, NaN or infinite"):
        list(d2l.data.iter_csv_chunks(path, 5))


@pytest.mark.parametrize(
    ("dtype", "error", "match"),
    [
        (torch.int64, ValueError, r"\(got torch.int64, which loses digits .* reads 6.5 as 6\)"),
        (torch.float16, ValueError, r"\(got torch.float16, which loses digits"),
        ("float64", TypeError, r"\(got 'float64'\); use dtype=torch.float64"),
    ],
)
def test_lossy_or_wrong_dtypes_are_refused_by_name(tmp_path, dtype, error, match):
    path = _write(tmp_path, "y,x\n6.5,1\n")
    with pytest.raises(error, match=r"dtype must be torch.float64 or torch.float32 " + match):
        d2l.data.load_csv(path, dtype=dtype)
    with pytest.raises(error, match=match):
        d2l.data.iter_csv_chunks(path, dtype=dtype)


def test_other_bad_input(tmp_path):
    with pytest.raises(ValueError, match=r"chunk_rows must be a positive integer \(got 0\)"):
        d2l.data.iter_csv_chunks(_write(tmp_path, "y,x\n1,2\n"), 0)
    with pytest.raises(FileNotFoundError, match="no such file"):
        d2l.data.iter_csv_chunks(tmp_path / "missing.csv")
    with pytest.raises(ValueError, match=r"not UTF-8 text .*; save it as UTF-8"):
        d2l.data.load_csv(_write(tmp_path, b"y,x\xe9\n1,2\n", "latin1.csv"))
    with pytest.raises(ValueError, match="no data rows after the header"):
        d2l.data.iter_csv_chunks(_write(tmp_path, "y,x\n\n  \n", "head.csv"))
