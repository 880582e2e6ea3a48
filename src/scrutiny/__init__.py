"""scrutiny: turn a council's scrutiny-committee records into an accessible site and open data."""

__version__ = "0.2.0"

# Where scrutiny is published. A site made by `scrutiny init` installs scrutiny from a release
# tag of this repository (see `install_requirement`) until scrutiny is on a package index.
REPOSITORY = "https://github.com/scrutiny-project/scrutiny"


def install_requirement(version: str = __version__) -> str:
    """The pip requirement for this release: what a new site's requirements.txt pins."""
    return f"scrutiny @ git+{REPOSITORY}@v{version}"
