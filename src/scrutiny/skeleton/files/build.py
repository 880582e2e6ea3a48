"""The site's one-line build: `python build.py` is `scrutiny build` with the same arguments."""

import sys

from scrutiny.cli import main

if __name__ == "__main__":
    sys.exit(main(["build", *sys.argv[1:]]))
