"""Links from generated files (feeds, calendars, exports) to the site's pages.

Pages link to each other relatively (see render.root_prefix). Files meant to be read outside
the site, such as feeds, calendars and exports, need absolute URLs where possible: they use
`site.base_url` when it is set and fall back to a link relative to the file itself.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from scrutiny.config import SiteConfig


def site_link(config: SiteConfig, target: str, here: str) -> str:
    """The URL of `target` (a path from the site root, such as `meetings/x/`) for the file
    at `here`: absolute under `base_url` when it is set, else relative to `here`."""
    if config.base_url:
        return config.base_url + target
    prefix = root_prefix(here)
    return target if prefix == "./" else prefix + target


def host(config: SiteConfig) -> str:
    """The site's host name (from base_url), or 'scrutiny' when the site has no base_url."""
    if config.base_url:
        return urlsplit(config.base_url).hostname or "scrutiny"
    return "scrutiny"


def root_prefix(path: str) -> str:
    """Relative path from a page back to the site root, so links work at any sub-path."""
    depth = path.count("/")
    return "../" * depth if depth else "./"
