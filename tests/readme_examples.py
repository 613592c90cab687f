"""Run the examples of README.md and compare, or refresh, the output they show.

    python tests/readme_examples.py            # check: print the examples whose output differs
    python tests/readme_examples.py --update   # rewrite the shown output from a fresh run

The examples run in order in an empty temporary folder. ``python`` blocks share one namespace; a
``text`` block right after one shows what it prints, and the value of its last expression as the
interpreter would echo it. In a ``console`` block each ``$`` line runs in bash; the lines under it,
up to the next ``$``, are its output (stdout and stderr); a command shown without output must still
succeed. ``<!-- setup: CODE -->`` before a block runs Python first, hidden from readers. Servers
(``usjst serve``) are not started. Paths to the installed data read as ``/…/site-packages/...``.
"""

from __future__ import annotations

import ast
import contextlib
import io
import os
import re
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
README = ROOT / "README.md"
NOT_RUN = ("usjst serve",)
_BLOCK = re.compile(r"(?:<!-- setup: (?P<setup>.*?) -->\n)?```(?P<lang>\w*)\n(?P<body>.*?)```\n", re.S)
_DATA_PATH = re.compile(r"\S*/usjst_data/data\b")


@dataclass
class Example:
    """A piece of the README that runs: its code, the output shown, and where that output is."""

    lang: str
    code: str
    shown: str | None  # None: no output shown, the example only has to run
    span: tuple[int, int] | None  # where the shown output is in the README text
    setup: str | None = None
    actual: str = field(default="")


def examples(text: str) -> list[Example]:
    """The python and console examples of a README, in order."""
    found: list[Example] = []
    blocks = list(_BLOCK.finditer(text))
    for i, block in enumerate(blocks):
        lang, body = block["lang"], block["body"]
        if lang == "python":
            after = blocks[i + 1] if i + 1 < len(blocks) else None
            shows = after is not None and after["lang"] == "text" and text[block.end() : after.start()].strip() == ""
            span = after.span("body") if shows and after else None
            found.append(Example("python", body, after["body"] if shows and after else None, span, block["setup"]))
        elif lang == "console":
            found.extend(_commands(block, body))
    return found


def _commands(block: re.Match[str], body: str) -> list[Example]:
    commands: list[Example] = []
    offset = block.start("body")
    lines = body.splitlines(keepends=True)
    starts = [i for i, line in enumerate(lines) if line.startswith("$ ")]
    for n, start in enumerate(starts):
        stop = starts[n + 1] if n + 1 < len(starts) else len(lines)
        begin = offset + sum(len(line) for line in lines[: start + 1])
        shown = "".join(lines[start + 1 : stop])
        end = begin + len(shown)
        # Output ends at a blank line before the next command; keep that separator.
        if shown.endswith("\n\n"):
            shown, end = shown[:-1], end - 1
        setup = block["setup"] if n == 0 else None
        command = lines[start][2:].rstrip("\n")
        commands.append(Example("console", command, shown or None, (begin, end), setup))
    return commands


def _run_python(code: str, namespace: dict[str, Any]) -> str:
    """Run code as the interpreter would a cell: what it prints, then the repr of a final expression."""
    tree = ast.parse(code)
    last = tree.body.pop() if tree.body and isinstance(tree.body[-1], ast.Expr) else None
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        exec(compile(tree, "README.md", "exec"), namespace)
        if last is not None:
            value = eval(compile(ast.Expression(last.value), "README.md", "eval"), namespace)
            if value is not None:
                print(repr(value))
    return out.getvalue()


def _run_console(command: str, folder: Path) -> tuple[int, str]:
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")]))
    env["PATH"] = os.pathsep.join([str(Path(sys.executable).parent), env.get("PATH", "")])
    env["COLUMNS"] = "100"
    done = subprocess.run(
        ["bash", "-c", command], cwd=folder, env=env, capture_output=True, text=True, check=False, timeout=300
    )
    return done.returncode, done.stdout + done.stderr


def run(text: str) -> list[Example]:
    """Run every example of ``text``; return them with their actual output, normalized."""
    found = examples(text)
    namespace: dict[str, Any] = {"__name__": "__readme__"}
    with tempfile.TemporaryDirectory(prefix="usjst-readme-") as name:
        folder = Path(name)
        previous = Path.cwd()
        os.chdir(folder)
        try:
            for example in found:
                if example.setup:
                    exec(example.setup, namespace)
                if example.lang == "python":
                    example.actual = _run_python(example.code, namespace)
                elif not example.code.startswith(NOT_RUN):
                    status, example.actual = _run_console(example.code, folder)
                    if status not in (0, 1) or (status == 1 and example.shown is None):
                        raise RuntimeError(f"README example failed ({status}): $ {example.code}\n{example.actual}")
                else:
                    example.actual = example.shown or ""
                example.actual = _DATA_PATH.sub("/…/site-packages/usjst_data/data", example.actual)
        finally:
            os.chdir(previous)
    return found


def differences(text: str) -> list[str]:
    """Examples whose shown output differs from what they print, each as a short report."""
    return [
        f"{e.code.splitlines()[-1]}\n--- shown\n{e.shown}--- actual\n{e.actual}"
        for e in run(text)
        if e.shown is not None and e.shown != e.actual
    ]


def updated(text: str) -> str:
    """The README with every shown output replaced by the actual one."""
    for example in sorted(run(text), key=lambda e: e.span or (0, 0), reverse=True):
        if example.shown is not None and example.span is not None:
            begin, end = example.span
            text = text[:begin] + example.actual + text[end:]
    return text


def main(argv: list[str]) -> int:
    text = README.read_text(encoding="utf-8")
    if argv == ["--update"]:
        README.write_text(updated(text), encoding="utf-8")
        return 0
    problems = differences(text)
    print("\n\n".join(problems) or "README examples are current")
    return 1 if problems else 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
