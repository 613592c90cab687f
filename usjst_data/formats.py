"""Names of the formats the library writes; light to import, so the CLI can offer them as choices."""

from enum import StrEnum


class ExportFormat(StrEnum):
    """Whole-package exports."""

    SQLITE = "sqlite"
    JSON = "json"
    JSONL = "jsonl"
    XLSX = "xlsx"


class SchemaFormat(StrEnum):
    """Ways to print one table's schema."""

    JSON_SCHEMA = "json-schema"
    TABLE_SCHEMA = "table-schema"
