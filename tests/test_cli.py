"""The command line: results, JSON contract, and one `error:` line with exit status 2 for bad input."""

import json
import subprocess
import sys

import pytest

from d2l_linreg.cli import main


def run(capsys, *argv):
    status = main(list(argv))
    out, err = capsys.readouterr()
    return status, out, err


def test_train_json_recovers_parameters_with_every_impl(capsys):
    results = {}
    for impl in ("concise", "scratch", "manual"):
        status, out, err = run(capsys, "train", "--impl", impl, "--json")
        assert status == 0 and err == ""
        res = json.loads(out)
        assert {"w", "b", "true_w", "true_b", "train_loss"} <= res.keys()
        assert len(res["train_loss"]) == 5
        assert max(abs(a - b) for a, b in zip(res["w"], res["true_w"], strict=True)) < 0.01
        assert abs(res["b"] - res["true_b"]) < 0.01
        results[impl] = res
    # the ½-loss paths use 2 × lr, so all three take the same steps (float32 rounding only)
    for impl in ("scratch", "manual"):
        assert results[impl]["lr"] == 2 * results["concise"]["lr"]
        assert (
            max(
                abs(a - b) for a, b in zip(results[impl]["w"], results["concise"]["w"], strict=True)
            )
            < 1e-5
        )


def test_train_text_output_has_one_loss_line_per_epoch(capsys):
    status, out, _ = run(capsys, "train", "--epochs", "3", "--w", "1", "2", "3", "--b", "-1")
    lines = out.splitlines()
    assert status == 0
    assert [line.split(",")[0] for line in lines[:3]] == ["epoch 1", "epoch 2", "epoch 3"]
    assert lines[-1].startswith("learned b:") and "true b: -1" in lines[-1]


def test_train_reports_divergence(capsys):
    status, out, _ = run(capsys, "train", "--lr", "5", "--json")
    assert status == 0 and json.loads(out)["diverged"] is True


def test_worked_examples(capsys):
    status, out, _ = run(capsys, "worked-examples")
    assert status == 0
    assert "w <- 0 - 0.1*(-6.5) = 0.65" in out and "w = 8 / 5 = 1.6" in out


@pytest.mark.parametrize(
    ("argv", "match"),
    [
        (["train", "--batch-size", "0"], "--batch-size must be a positive integer (got 0)"),
        (["train", "--epochs", "-1"], "--epochs must be a positive integer (got -1)"),
        (["train", "--lr", "0"], "--lr must be a positive number (got 0.0)"),
        (["train", "--lr", "nan"], "--lr must be a positive number (got nan)"),
        (["train", "--num-examples", "0"], "--num-examples must be a positive integer"),
        (["train", "--noise", "-1"], "--noise must be a number >= 0"),
        (["train", "--batch-size", "abc"], "argument --batch-size: invalid int value: 'abc'"),
        (["train", "--impl", "keras"], "argument --impl: invalid choice: 'keras'"),
        (["train", "--bogus"], "unrecognized arguments: --bogus"),
        ([], "the following arguments are required: command"),
        (["solve", "/no/such/file.csv"], "no such file"),
    ],
)
def test_bad_input_gives_one_error_line_and_status_2(capsys, argv, match):
    status, out, err = run(capsys, *argv)
    assert status == 2 and out == ""
    assert err.startswith("error: ") and err.count("\n") == 1
    assert match in err


def test_module_entry_point_exit_status():
    ok = subprocess.run(
        [sys.executable, "-m", "d2l_linreg", "train", "--epochs", "1", "--json"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert ok.returncode == 0 and "train_loss" in ok.stdout
    bad = subprocess.run(
        [sys.executable, "-m", "d2l_linreg", "train", "--batch-size", "0"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert bad.returncode == 2 and bad.stdout == ""
    assert bad.stderr.splitlines() == [
        "error: --batch-size must be a positive integer (got 0); use e.g. --batch-size 32"
    ]


def _nist_csv(tmp_path, name):
    from importlib.resources import files

    path = tmp_path / f"{name}.csv"
    path.write_text(files("d2l_linreg").joinpath(f"data_files/nist/{name}.csv").read_text())
    return path


def test_solve_json_matches_nist_certified_values(capsys, tmp_path):
    import d2l_linreg as d2l

    for name, degree in (("norris", 1), ("filip", 10)):
        status, out, err = run(
            capsys, "solve", str(_nist_csv(tmp_path, name)), "--degree", str(degree), "--json"
        )
        assert status == 0 and err == ""
        res = json.loads(out)
        assert {"w", "b", "method", "condition_number"} <= res.keys()
        certified = d2l.data.load_nist(name).certified
        assert (
            d2l.closed_form.lre([res["b"], *res["w"]], certified) >= 7
        )  # the solver's accuracy goal


def test_solve_target_no_intercept_and_text_output(capsys, tmp_path):
    path = tmp_path / "d.csv"
    path.write_text("x,y\n1,2\n2,3\n")  # worked example 2: the target is the second column
    status, out, _ = run(capsys, "solve", str(path), "--target", "y", "--no-intercept", "--json")
    res = json.loads(out)
    assert status == 0 and res["b"] == 0.0 and abs(res["w"][0] - 1.6) < 1e-12
    status, out, _ = run(capsys, "solve", str(path), "--target", "y", "--no-intercept")
    assert status == 0 and "w[x] = 1.6" in out


def test_solve_warns_in_one_line_for_an_ill_conditioned_normal_equation(capsys, tmp_path):
    status, out, err = run(
        capsys,
        "solve",
        str(_nist_csv(tmp_path, "filip")),
        "--degree",
        "10",
        "--method",
        "normal",
        "--json",
    )
    assert status == 0 and json.loads(out)["method"] == "normal"
    assert err.startswith("warning: ") and err.count("\n") == 1 and "ill-conditioned" in err


@pytest.mark.parametrize(
    ("content", "argv", "match"),
    [
        ("y,x\n1,2\n3,abc\n", [], "row 3, column 'x' is not a number (got 'abc')"),
        ("y,x\n1,2\n3,\n", [], "row 3, column 'x' is empty, NaN or infinite"),
        ("y,x\n1,nan\n", [], "is empty, NaN or infinite"),
        ("", [], "the file is empty"),
        ("y,x\n", [], "no data rows"),
        ("y,x\n1,2\n", [], "at least as many rows as parameters (got 1 rows for 2"),
        ("y,x\n1,2\n2,3\n3,5\n", ["--degree", "0"], "--degree must be a positive integer"),
        ("y,a,b\n1,2,3\n2,3,4\n3,5,7\n4,1,1\n", ["--degree", "2"], "--degree needs exactly one"),
        ("y,x\n1,2\n2,3\n", ["--target", "z"], "no column named 'z'"),
        ("y,x\n1,2\n2,3\n", ["--method", "magic"], "argument --method: invalid choice: 'magic'"),
        ("y,a,b\n1,1,2\n2,2,4\n3,3,6\n4,5,10\n", [], "columns 'a' and 'b' are linearly dependent"),
    ],
)
def test_solve_bad_input(capsys, tmp_path, content, argv, match):
    path = tmp_path / "bad.csv"
    path.write_text(content)
    status, out, err = run(capsys, "solve", str(path), *argv)
    assert status == 2 and out == ""
    assert err.startswith("error: ") and err.count("\n") == 1
    assert match in err


def test_a_bug_inside_the_package_is_a_traceback_with_status_1():
    """A TypeError raised inside a helper (as a bug would) is not bad input: no `error:` line."""
    planted = (
        "import sys\n"
        "import d2l_linreg.models.concise as concise\n"
        "def broken(*args, **kwargs):\n"
        "    raise TypeError(\"unsupported operand type(s) for *: 'float' and 'NoneType'\")\n"
        "concise.linear_model = broken\n"
        "from d2l_linreg.cli import main\n"
        "sys.exit(main(['train', '--epochs', '1']))\n"
    )
    bug = subprocess.run(
        [sys.executable, "-c", planted], capture_output=True, text=True, check=False
    )
    assert bug.returncode == 1 and bug.stdout == ""
    assert bug.stderr.startswith("Traceback (most recent call last):")
    assert bug.stderr.rstrip().splitlines()[-1].startswith("TypeError: unsupported operand")
    assert "error:" not in bug.stderr


def test_a_planted_bug_propagates_out_of_main(capsys, monkeypatch):
    import d2l_linreg.models.concise as concise

    def broken(*args, **kwargs):
        raise ValueError("a bug, not bad input")

    monkeypatch.setattr(concise, "linear_model", broken)
    with pytest.raises(ValueError, match="a bug, not bad input"):
        main(["train", "--epochs", "1"])
    assert capsys.readouterr().err == ""


@pytest.mark.parametrize(
    ("argv", "match"),
    [
        (["train", "--seed", str(2**64)], "--seed must be an integer in [-2**63, 2**64)"),
        (["train", "--b", "nan"], "--b must be a finite number (got nan); use e.g. --b 4.2"),
        (["train", "--w", "inf"], "w must contain only finite numbers"),
        (["train", "--w", "1e30"], "squared loss overflows float32"),
    ],
)
def test_package_errors_reach_the_user_in_flags(capsys, argv, match):
    status, out, err = run(capsys, *argv)
    assert status == 2 and out == ""
    assert err.startswith("error: ") and err.count("\n") == 1
    assert match in err
