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


def test_train_text_output_prints_settings_first_then_one_loss_line_per_epoch(capsys):
    status, out, err = run(capsys, "train", "--epochs", "3", "--w", "1", "2", "3", "--b", "-1")
    lines = out.splitlines()
    assert status == 0 and err == ""  # not a terminal: no progress bar
    assert lines[0].startswith("train concise (MSELoss, lr 0.03): 3 epochs, batches of 32")
    assert [line.split(",")[0] for line in lines[1:4]] == ["epoch 1", "epoch 2", "epoch 3"]
    assert lines[4].startswith("trained 3 epochs (96 steps), last train loss")
    assert lines[-1].startswith("learned b:") and "true b: -1" in lines[-1]


def test_a_long_run_prints_about_ten_loss_lines(capsys):
    argv = ["train", "--epochs", "2000", "--num-examples", "32", "--batch-size", "32"]
    status, out, _ = run(capsys, *argv)
    epochs = [line.split(",")[0] for line in out.splitlines() if line.startswith("epoch ")]
    assert status == 0 and len(out.splitlines()) == 14
    assert epochs == [f"epoch {k}" for k in range(200, 2001, 200)]
    status, out, _ = run(capsys, *argv[:2], "7", *argv[3:], "--log-every", "3")
    assert [line.split(",")[0] for line in out.splitlines()[1:4]] == [
        "epoch 3",
        "epoch 6",
        "epoch 7",
    ]


def test_every_train_and_solve_option_has_help_with_its_default():
    from d2l_linreg.cli import _build_parser

    commands = _build_parser()._subparsers._group_actions[0].choices
    for name in ("train", "solve"):
        for action in commands[name]._actions:
            if action.dest == "help":
                continue
            assert action.help, f"{name} {action.option_strings} has no help"
            if action.default not in (None, False):
                assert "%(default)s" in action.help, f"{name} {action.option_strings}"
    assert "(default: 0.03)" in commands["train"].format_help()


def test_train_reports_divergence_with_valid_json_and_status_3(capsys):
    status, out, err = run(capsys, "train", "--lr", "5", "--json")
    res = json.loads(out)  # valid JSON: no NaN or Infinity tokens
    assert status == 3 and res["diverged"] is True and res["train_loss"][-1] is None
    assert all(isinstance(v, float) for v in [*res["w"], res["b"]])  # the last finite values
    assert err.count("\n") == 1 and "lower --lr (it was 5), e.g. --lr 0.5" in err
    status, out, err = run(capsys, "train", "--lr", "5")
    assert status == 3 and "learned w:" in out and err.startswith("error: training diverged")


def test_ctrl_c_stops_with_one_line_and_status_130(capsys, monkeypatch):
    from d2l_linreg import cli_train

    def ctrl_c(self, epoch, history):
        if epoch == 1:
            raise KeyboardInterrupt

    monkeypatch.setattr(cli_train.EpochLines, "on_epoch_end", ctrl_c)
    status, out, err = run(capsys, "train", "--epochs", "1000")
    assert status == 130 and err.count("\n") == 1 and err.startswith("interrupted: ")
    assert "trained 2 epochs (64 steps)" in out


def test_ctrl_c_from_the_terminal_exits_130_in_one_line():
    import os
    import signal

    proc = subprocess.Popen(
        [sys.executable, "-m", "d2l_linreg", "train", "--epochs", "1000000"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=os.environ | {"PYTHONUNBUFFERED": "1"},
    )
    assert proc.stdout.readline().startswith("train concise")  # the settings: training begins
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=120)
    assert proc.returncode == 130
    assert err.count("\n") == 1 and err.startswith("interrupted: stopped by Ctrl-C")


def _train_json(capsys, *argv):
    status, out, err = run(capsys, "train", "--json", *argv)
    assert status == 0, err
    return json.loads(out)


@pytest.mark.parametrize("impl", ["concise", "scratch"])
def test_checkpoint_then_resume_is_bit_identical(capsys, tmp_path, impl):
    path = str(tmp_path / "c.pt")
    full = _train_json(capsys, "--impl", impl, "--epochs", "6")
    _train_json(capsys, "--impl", impl, "--epochs", "3", "--checkpoint", path)
    resumed = _train_json(capsys, "--impl", impl, "--epochs", "6", "--resume", path)
    assert (resumed["w"], resumed["b"]) == (full["w"], full["b"])  # exact, not approximate
    assert resumed["train_loss"] == full["train_loss"]


def test_a_corrupted_checkpoint_exits_2_and_is_left_unchanged(capsys, tmp_path):
    path = tmp_path / "c.pt"
    _train_json(capsys, "--epochs", "3", "--checkpoint", str(path))
    path.write_bytes(path.read_bytes()[:-100])
    before = path.read_bytes()
    status, out, err = run(capsys, "train", "--epochs", "6", "--resume", str(path))
    assert status == 2 and out == "" and err.count("\n") == 1
    assert err.startswith(f"error: --resume {path} is not a readable checkpoint")
    assert path.read_bytes() == before


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
        (["train", "--epochs", "1000000000000"], "--epochs 1000000000000 means 3.2e+13 steps"),
        (["train", "--num-examples", "10000000000000"], "--num-examples 10000000000000 needs"),
        (["train", "--log-every", "-1"], "--log-every must be 0 or more"),
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


def test_solve_reads_a_file_with_a_byte_order_mark(capsys, tmp_path):
    path = tmp_path / "excel.csv"
    path.write_bytes("\ufeffx,y\n1,2\n2,3\n".encode())
    status, out, err = run(capsys, "solve", str(path), "--target", "y", "--no-intercept", "--json")
    assert status == 0 and err == "" and json.loads(out)["features"] == ["x"]


@pytest.mark.parametrize(
    ("content", "match"),
    [
        ("y,x,x\n1,2,3\n2,3,4\n", "the header repeats a column name ('x' in columns 2, 3)"),
        ("1,2\n2,3\n3,5\n", "the first row (1,2) is all numbers, so the file has no header row"),
        (b"y,x\xe9\n1,2\n", "not UTF-8 text"),
    ],
)
def test_solve_refuses_repeated_names_a_missing_header_and_non_utf8(
    capsys, tmp_path, content, match
):
    path = tmp_path / "bad.csv"
    path.write_bytes(content if isinstance(content, bytes) else content.encode())
    status, out, err = run(capsys, "solve", str(path))
    assert status == 2 and out == ""
    assert err.startswith("error: ") and err.count("\n") == 1
    assert match in err


def test_the_progress_bar_draws_on_a_terminal_only():
    import io

    from d2l_linreg.cli_train import ProgressBar

    class Terminal(io.StringIO):
        def isatty(self):
            return True

    screen, log = Terminal(), io.StringIO()
    for stream in (screen, log):
        bar = ProgressBar(total_steps=4, epochs=2, stream=stream)
        for step in range(4):
            bar.on_step_end(step, 0.5)
        bar.clear()
    assert log.getvalue() == ""
    drawn = screen.getvalue()
    assert "[" + "#" * 30 + "] 100% epoch 1/2 loss 0.5" in drawn and drawn.endswith("\r\033[K")


def test_ctrl_c_with_json_still_prints_valid_json(capsys, monkeypatch):
    from d2l_linreg import cli_train

    def ctrl_c(self, step, loss):
        if step == 40:
            raise KeyboardInterrupt

    monkeypatch.setattr(cli_train.ProgressBar, "on_step_end", ctrl_c)
    status, out, err = run(capsys, "train", "--epochs", "1000", "--json")
    res = json.loads(out)
    assert status == 130 and res["interrupted"] is True and len(res["train_loss"]) == 2
    assert err.count("\n") == 1 and "after 41 steps" in err


def test_solve_streams_a_csv_in_chunks_to_the_in_memory_answer(capsys, tmp_path):
    path = tmp_path / "poly.csv"
    rows = [(0.5 * x * x - 2.0 * x + 3.0 + 0.01 * ((7 * x) % 3), x) for x in range(40)]
    path.write_text("y,x\n" + "".join(f"{y!r},{x}\n" for y, x in rows), encoding="utf-8")
    status, out, err = run(capsys, "solve", str(path), "--degree", "2", "--json")
    assert status == 0 and err == ""
    whole = json.loads(out)
    status, out, err = run(
        capsys, "solve", str(path), "--degree", "2", "--chunk-rows", "7", "--json"
    )
    assert status == 0 and err == ""
    streamed = json.loads(out)
    assert streamed["features"] == whole["features"] == ["x", "x^2"]
    assert "tsqr" in streamed["method"]
    for a, b in zip(streamed["w"] + [streamed["b"]], whole["w"] + [whole["b"]], strict=True):
        assert abs(a - b) <= 1e-12 * max(1.0, abs(b))  # two exact solvers, one problem


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
