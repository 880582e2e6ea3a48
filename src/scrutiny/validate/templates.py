"""A council's template overrides (templates/ in the project) must compile, and every template
they extend, include or import must exist. Checked by `validate`, so CI catches a broken
override before the build; what only shows when a page is drawn (a name no page provides) is
reported by the build, naming the template and line.
"""

from __future__ import annotations

from collections.abc import Iterator

from jinja2 import Environment, TemplateNotFound, TemplateSyntaxError, nodes

from scrutiny.config import SiteConfig
from scrutiny.problems import Problem
from scrutiny.project import Project
from scrutiny.render.environment import make_environment
from scrutiny.textfiles import Unreadable, read_text

_HINT_MISSING = (
    "Check the name in the {% extends %}, {% include %} or {% import %} line, or delete your "
    "override to use the built-in template."
)


def template_problems(project: Project, config: SiteConfig) -> list[Problem]:
    folder = project.templates
    if not folder.is_dir():
        return []
    env = make_environment(folder, config)
    problems: list[Problem] = []
    for path in sorted(p for p in folder.rglob("*") if p.is_file() and not p.name.startswith(".")):
        name = path.relative_to(folder).as_posix()
        shown = project.relative(path)
        try:
            tree = env.parse(read_text(path, shown), name, str(path))
        except Unreadable as error:
            problems.append(error.problem)
            continue
        except TemplateSyntaxError as exc:
            message = f"template error: {exc.message}"
            problems.append(Problem(shown, line=exc.lineno, message=message, rule="template"))
            continue
        problems += _missing_references(env, tree, shown)
    return problems


def _missing_references(env: Environment, tree: nodes.Template, shown: str) -> Iterator[Problem]:
    for node in tree.find_all((nodes.Extends, nodes.Include, nodes.Import, nodes.FromImport)):
        if getattr(node, "ignore_missing", False):
            continue
        for name in _names(node.template):
            try:
                env.loader.get_source(env, name)  # type: ignore[union-attr]
            except TemplateNotFound:
                yield Problem(
                    shown,
                    line=node.lineno,
                    message=f"template not found: {name}",
                    hint=_HINT_MISSING,
                    rule="template",
                )


def _names(expression: nodes.Expr) -> list[str]:
    """The template names a tag refers to, when they are written literally."""
    if isinstance(expression, nodes.Const) and isinstance(expression.value, str):
        return [expression.value]
    if isinstance(expression, nodes.List | nodes.Tuple):
        return [n for item in expression.items for n in _names(item)]
    return []
