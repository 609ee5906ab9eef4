"""The layers import one way: commands/ (and cli) → workflow/ → the engine. Nothing below
imports upward, and the core knows nothing of click."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "reconciler"


def imported(path: Path) -> set[str]:
    """Every module `path` imports, absolute (relative imports resolved)."""
    module = ".".join(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    package = module.rsplit(".", 1)[0] if path.name != "__init__.py" else module
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - (node.level - 1)]
                names.add(".".join([*base, node.module] if node.module else base))
            elif node.module:
                names.add(node.module)
    return names


def modules(*, under: str = "") -> list[Path]:
    return sorted((PACKAGE / under).rglob("*.py"))


def layer(path: Path) -> str:
    rel = path.relative_to(PACKAGE).parts
    if rel[0] in ("commands", "cli.py", "__main__.py"):
        return "commands"
    if rel[0] == "workflow":
        return "workflow"
    if rel[0] == "simulator":
        return "simulator"
    return "engine"


@pytest.mark.parametrize("path", modules(), ids=lambda p: str(p.relative_to(PACKAGE)))
def test_nothing_imports_upward(path: Path) -> None:
    names = imported(path)
    upward = {"engine": ("reconciler.workflow", "reconciler.commands", "reconciler.cli"),
              "workflow": ("reconciler.commands", "reconciler.cli"),
              "simulator": ("reconciler.workflow", "reconciler.commands", "reconciler.cli"),
              "commands": ()}[layer(path)]  # fmt: skip
    wrong = sorted(n for n in names if any(n == u or n.startswith(u + ".") for u in upward))
    assert not wrong, f"{path.name} ({layer(path)}) imports upward: {wrong}"


@pytest.mark.parametrize("path", modules(under="workflow"), ids=lambda p: p.name)
def test_the_core_knows_nothing_of_click(path: Path) -> None:
    assert not {n for n in imported(path) if n == "click" or n.startswith("click.")}


#: what a command reaches only through workflow/: planning, applying, the API, the state
ENGINE_INTERNALS = (
    "reconciler.plan.planner",
    "reconciler.apply",
    "reconciler.client",
    "reconciler.state.local",
    "reconciler.state.postgres",
    "reconciler.state.recorder",
)


def _command_modules() -> list[Path]:
    from reconciler.cli import COMMANDS

    return sorted({PACKAGE / "commands" / f"{t.split(':')[0].rsplit('.', 1)[1]}.py"
                   for t, _ in COMMANDS.values()})  # fmt: skip


@pytest.mark.parametrize("path", _command_modules(), ids=lambda p: p.name)
def test_every_command_goes_through_the_core(path: Path) -> None:
    names = imported(path)
    wrong = sorted(
        n for n in names if any(n == e or n.startswith(e + ".") for e in ENGINE_INTERNALS)
    )
    assert not wrong, f"{path.name} reaches past workflow/: {wrong}"


def test_plan_and_apply_are_one_workflow_call_each() -> None:
    for name in ("plan.py", "apply.py"):
        assert "reconciler.workflow" in imported(PACKAGE / "commands" / name), name


def test_no_module_is_over_about_400_lines() -> None:
    long = {str(p.relative_to(PACKAGE)): n for p in modules()
            if (n := len(p.read_text(encoding="utf-8").splitlines())) > 400}  # fmt: skip
    assert not long, long
    assert len((PACKAGE / "commands" / "apply.py").read_text().splitlines()) <= 155


@pytest.mark.parametrize(
    "path",
    [p for p in modules() if p.name != "__init__.py"],
    ids=lambda p: str(p.relative_to(PACKAGE)),
)
def test_every_module_has_its_mirrored_test_file(path: Path) -> None:
    rel = path.relative_to(PACKAGE)
    mirrored = PACKAGE.parent / "tests" / rel.parent / f"test_{rel.stem}.py"
    assert mirrored.is_file(), f"{rel} has no {mirrored.relative_to(PACKAGE.parent)}"
