"""The docs site: it builds strictly, its relative links and anchors resolve, and every
command of the CLI has a page naming each of its options."""

from __future__ import annotations

import importlib
import importlib.util
import re
import subprocess
import sys
from pathlib import Path

import click
import pytest

from reconciler.cli import COMMANDS

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"
PAGES = [ROOT / "README.md", *sorted(DOCS.rglob("*.md"))]
# a command documented on another command's page
PAGE_OF = {"schema": "validate"}


def _slug(heading: str) -> str:
    """The anchor mkdocs (Python-Markdown's toc) gives a heading."""
    text = re.sub(r"[`*_\[\]]", "", heading).strip().lower()
    text = re.sub(r"[^\w\s-]", "", text)
    return re.sub(r"[-\s]+", "-", text).strip("-")


def _anchors(page: Path) -> set[str]:
    anchors, fence = set(), False
    for line in page.read_text().splitlines():
        if line.lstrip().startswith("```"):
            fence = not fence
        elif not fence and (match := re.match(r"#{1,6} (.*)", line)):
            anchors.add(_slug(match.group(1)))
    return anchors


def _links(page: Path) -> list[str]:
    text = re.sub(r"```.*?```", "", page.read_text(), flags=re.S)
    return re.findall(r"\]\(([^)\s]+)\)", text)


@pytest.mark.parametrize("page", PAGES, ids=lambda p: str(p.relative_to(ROOT)))
def test_every_relative_link_and_anchor_resolves(page: Path) -> None:
    broken = []
    for link in _links(page):
        if re.match(r"[a-z]+:", link):
            continue
        target, _, anchor = link.partition("#")
        path = (page.parent / target).resolve() if target else page
        inside = path == ROOT or ROOT in path.parents
        if not (inside and path.exists()) or (anchor and anchor not in _anchors(path)):
            broken.append(link)
    assert not broken, broken


def test_the_docs_link_nothing_outside_the_repository() -> None:
    for page in PAGES:
        assert "../shared" not in page.read_text(), page


@pytest.mark.parametrize("name", list(COMMANDS))
def test_every_command_has_a_page_naming_each_option(name: str) -> None:
    page = DOCS / "commands" / f"{PAGE_OF.get(name, name)}.md"
    assert page.exists(), f"no docs page for {name}"
    text = page.read_text()
    module_name, attr = COMMANDS[name][0].split(":")
    command = getattr(importlib.import_module(module_name), attr)
    assert isinstance(command, click.Command)
    commands = [command]
    if isinstance(command, click.Group):  # `state`: each subcommand, named and documented
        commands += list(command.commands.values())
        absent = [f"`{name} {sub}`" for sub in command.commands if f"{name} {sub}" not in text]
        assert not absent, f"{page.name} does not document {absent}"
    missing = [
        opt
        for each in commands
        for param in each.params
        if isinstance(param, click.Option)
        for opt in param.opts
        if opt.startswith("--") and opt not in text
    ]
    assert not missing, f"{page.name} does not mention {missing}"


@pytest.mark.slow
@pytest.mark.skipif(
    importlib.util.find_spec("mkdocs") is None, reason="mkdocs is in the docs extra"
)
def test_mkdocs_builds_strictly(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "-d", str(tmp_path / "site")],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize("name", list(COMMANDS))
def test_every_command_page_lists_the_exit_codes_of_its_help(name: str) -> None:
    module_name, attr = COMMANDS[name][0].split(":")
    command = getattr(importlib.import_module(module_name), attr)
    help_text = command.get_help(click.Context(command, info_name=name))
    block = help_text.split("Exit codes:\n", 1)[1]
    rows = []
    for line in block.splitlines():
        if not (match := re.match(r"\s+(\d+)\s+(.*)", line)):
            break
        rows.append(f"| {match.group(1)} | {match.group(2)} |")
    page = (DOCS / "commands" / f"{PAGE_OF.get(name, name)}.md").read_text()
    assert rows
    assert [row for row in rows if row not in page] == []
