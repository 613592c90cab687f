"""README.md runs: every python and console example, with the output it shows."""

import re

from readme_examples import README, differences, examples, updated

import usjst_data

SAMPLE = """Some prose.

```python
x = 40 + 2
print("hello")
x
```

```text
hello
41
```

```console
$ echo one && echo two >&2
one
$ true
```
"""


def test_readme_examples_show_what_they_print() -> None:
    problems = differences(README.read_text(encoding="utf-8"))
    assert not problems, "\n\n".join(problems) + "\n\nrun: python tests/readme_examples.py --update"


def test_the_runner_finds_and_fixes_wrong_output() -> None:
    found = examples(SAMPLE)
    assert [(e.lang, e.shown) for e in found] == [("python", "hello\n41\n"), ("console", "one\n"), ("console", None)]
    python, console = differences(SAMPLE)
    assert python.endswith("--- shown\nhello\n41\n--- actual\nhello\n42\n")
    assert console.startswith("echo one && echo two >&2\n--- shown\none\n--- actual\none\ntwo\n")
    fixed = updated(SAMPLE)
    assert "hello\n42\n```" in fixed
    assert "$ echo one && echo two >&2\none\ntwo\n$ true\n" in fixed
    assert differences(fixed) == []


def test_cite_prints_the_text_the_readme_shows() -> None:
    text = README.read_text(encoding="utf-8")
    shown = re.search(r"```console\n\$ usjst cite (\S+)\n(.*?)```", text, flags=re.S)
    assert shown is not None
    assert str(usjst_data.cite(shown[1])) + "\n" == shown[2]
