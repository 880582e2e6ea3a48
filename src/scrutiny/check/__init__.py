"""`scrutiny check`: what the project's own tests check on a built site, for any council's site.

`links` finds broken internal links and anchors, missing files and anything loaded from the
network; `structure` finds HTML that does not parse and pages without a title or a main
landmark; `browser` runs axe-core (WCAG 2.2 AA) and the 320px reflow check in Chromium. The
test suite uses the same code, so the command and the tests cannot drift apart.
"""
