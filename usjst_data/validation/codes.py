"""The catalogue of problem codes: each code's title, severity and meaning.

Every problem a validation reports has one of these codes. The CLI checks ``--pick``/``--skip``
against it, a report knows each code's severity from it (even for problems only counted), and
``docs/problems.md`` is generated from it (``python -m usjst_data.validation.codes``).
"""

from __future__ import annotations

from dataclasses import dataclass

from ..errors import UsjstError


@dataclass(frozen=True)
class Code:
    """One kind of problem."""

    code: str
    title: str
    description: str
    severity: str = "error"  # error: the data is invalid; warning: worth a look, still valid
    checked: bool = True  # False: part of the package could not be checked (exit status 2)


CODES: dict[str, Code] = {
    c.code: c
    for c in [
        # The descriptor and its files
        Code("json-error", "Not JSON", "A descriptor or schema file is not valid JSON (or not UTF-8)."),
        Code("yaml-error", "Not YAML", "A seed file is not valid YAML."),
        Code(
            "descriptor-error",
            "Invalid descriptor",
            "The descriptor breaks the Data Package profile or one of its rules.",
        ),
        Code(
            "misplaced-property",
            "Misplaced property",
            "A property is where it has no effect: `missingValues` or a key on the package or a resource"
            " instead of its schema, a constraint such as `required` on a field instead of its `constraints`,"
            " dialect options nested under a format.",
            "warning",
        ),
        Code(
            "schema-error",
            "Invalid keys",
            "A primary, unique or foreign key names a field or resource that does not exist.",
        ),
        Code(
            "unsafe-path",
            "Unsafe path",
            "A path is a URL, absolute, or leaves the package folder (remote data is refused by design).",
        ),
        Code("missing-file", "Missing file", "A path names a file that does not exist."),
        Code(
            "file-error",
            "Not a regular file",
            "A seed file is a FIFO, a device, a folder or a symlink loop, or larger than the seed size bound.",
        ),
        Code("missing-resource", "Missing resource", "A resource the package needs is not listed."),
        Code("bytes-mismatch", "Size differs", "The file's size differs from the descriptor's `bytes`."),
        Code(
            "hash-mismatch",
            "Hash differs",
            "The file's hash differs from the descriptor's `hash`, or its algorithm is unknown.",
        ),
        Code(
            "encoding-error",
            "Encoding",
            "The file does not decode in its encoding, has a NUL byte, or names an unknown encoding.",
        ),
        Code(
            "byte-order-mark",
            "Byte-order mark",
            "A UTF-8 file starts with a byte-order mark; it is skipped.",
            "warning",
        ),
        Code("dialect-error", "Dialect", "The CSV dialect is not usable, or the file cannot be parsed with it."),
        Code(
            "source-error",
            "Source not read",
            "A compressed file, zipped package, JSON, Parquet, xlsx or ods table, or inline `data` cannot be read.",
        ),
        Code(
            "io-error",
            "Read failed",
            "A file could not be read to its end (deleted or made unreadable).",
            checked=False,
        ),
        Code(
            "unsupported-format",
            "Format not read",
            "The file's format or compression is not read by this validator: its rows were not checked.",
            checked=False,
        ),
        Code(
            "unsupported-pattern",
            "Pattern not run",
            "A `pattern` needs backtracking (lookarounds, backreferences): refused, as it could run for ever.",
            checked=False,
        ),
        Code(
            "unsupported",
            "Not checked",
            "Something is not checked (the types of a table without a schema).",
            "warning",
        ),
        # The table's structure
        Code(
            "header-error",
            "Header",
            "The header is missing, or its labels are blank, repeated or differ from the schema's fields.",
        ),
        Code("blank-row", "Blank row", "Every cell of a row is empty."),
        Code("ragged-row", "Ragged row", "A row has more or fewer cells than the header."),
        Code("quote-error", "Unclosed quote", "A quoted cell is not closed: the rest of the file is one cell."),
        # Cells
        Code("type-error", "Wrong type", "A cell is not a value of its field's type or format."),
        Code("required-error", "Missing value", "A required cell is empty."),
        Code("enum-error", "Not allowed", "A cell is not one of the field's allowed values."),
        Code("pattern-error", "Pattern", "A cell does not match its field's pattern."),
        Code("range-error", "Out of range", "A cell is below the minimum or above the maximum."),
        Code("length-error", "Length", "A cell is shorter than `minLength` or longer than `maxLength`."),
        Code(
            "formula-cell", "Formula-like", "Free text starts like a spreadsheet formula (=, +, @, tab, CR).", "warning"
        ),
        # Keys
        Code(
            "primary-key-error", "Primary key", "A primary key repeats an earlier row's, or one of its cells is empty."
        ),
        Code("unique-error", "Not unique", "A unique field or unique key repeats an earlier row's value."),
        Code("foreign-key-error", "Foreign key", "A foreign key matches no row of the table it refers to."),
        # Domain rules of usjst-data
        Code("date-error", "Date", "A partial date (YYYY, YYYY-MM, YYYY-MM-DD) is not a real date."),
        Code("code-error", "Code", "A country or currency code is not a known one."),
        Code(
            "constraint-error",
            "Constraint",
            "Fields that go together are not given together, or a text is too short or long.",
        ),
        Code("unknown-field", "Unknown field", "A seed record has a field its table does not define."),
        Code(
            "citation-error",
            "Citation",
            "A record or field has no citation, or a citation names a field that does not exist.",
        ),
        Code("discrepancy-error", "Discrepancy", "A recorded discrepancy needs at least two competing values."),
        Code("sum-error", "Sum", "Components add up to more than their total."),
        Code("order-error", "Order", "Dates or meeting numbers are out of order."),
        Code("cycle-error", "Cycle", "A chain of predecessors loops back on itself."),
    ]
}


class UnknownCodeError(UsjstError, ValueError):
    """A problem code that is not in the catalogue (a typo in --pick or --skip, say)."""


def check_codes(codes: frozenset[str]) -> frozenset[str]:
    """``codes`` when each is in the catalogue; UnknownCodeError naming the unknown ones otherwise."""
    unknown = sorted(codes - CODES.keys())
    if unknown:
        raise UnknownCodeError(f"unknown problem code {', '.join(unknown)}; known codes: {', '.join(sorted(CODES))}")
    return codes


def severity(code: str) -> str:
    """The severity of problems with this code (error for a code not in the catalogue)."""
    entry = CODES.get(code)
    return entry.severity if entry else "error"


def markdown() -> str:
    """The catalogue as the Markdown page docs/problems.md."""
    lines = [
        "# Problem codes",
        "",
        "Every problem `usjst validate` reports carries one of these codes (generated from",
        "`usjst_data/validation/codes.py` by `python -m usjst_data.validation.codes > docs/problems.md`).",
        "Exit status: 0 valid, 1 invalid, 2 could not validate (an error marked *not checked* below, alone).",
        "",
        "| Code | Title | Severity | Meaning |",
        "| --- | --- | --- | --- |",
    ]
    for c in CODES.values():
        severity_text = c.severity + ("" if c.checked else ", not checked")
        lines.append(f"| `{c.code}` | {c.title} | {severity_text} | {c.description} |")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    print(markdown(), end="")
