"""Package metadata shared by the build, the descriptor and the CLI, and where the data is."""

from __future__ import annotations

from pathlib import Path

VERSION = "0.1.0"
NAME = "usjst-data"
TITLE = "US–Japan Science and Technology Cooperation Dataset"
DESCRIPTION = (
    "Agreements, dialogues and their meetings, programs, funding commitments, policies and "
    "institutions of United States–Japan science and technology cooperation, each record cited "
    "to its source with a locator."
)
# The release timestamp, fixed so that building twice gives identical bytes.
CREATED = "2026-11-21T00:00:00Z"
HOMEPAGE = "https://github.com/usjst-data/usjst-data"
KEYWORDS = ["united-states", "japan", "science-and-technology", "international-cooperation", "policy"]
DATA_LICENSE = {
    "name": "CC-BY-4.0",
    "path": "https://creativecommons.org/licenses/by/4.0/",
    "title": "Creative Commons Attribution 4.0",
}
CONTRIBUTORS = [{"title": "usjst-data maintainers", "roles": ["creator"]}]
PROFILE_PACKAGE = "https://datapackage.org/profiles/2.0/datapackage.json"
PROFILE_RESOURCE = "https://datapackage.org/profiles/2.0/dataresource.json"


# The package is installed as plain files (a wheel, or editable), so the data is beside this module.
PACKAGE_ROOT = Path(__file__).resolve().parent


def data_root(data_dir: Path | None = None) -> Path:
    """The folder holding the tables: ``data_dir``, or the data shipped in the package."""
    return data_dir if data_dir is not None else PACKAGE_ROOT / "data"
