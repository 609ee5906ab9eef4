"""`import NAME ID`: bind a manifest campaign to a live id (one list call)."""

from __future__ import annotations

from pathlib import Path

from tests.helpers import row
from tests.state.test_scenarios import TOKEN, StartSimulator, backend, cli, manifest

__all__ = ["backend"]


def test_import_binds_a_live_id_and_the_plan_renames_it(
    simulator: StartSimulator, backend: dict[str, str], tmp_path: Path
) -> None:
    sim = simulator(
        {"campaigns": [row("5003", "renewals-old", "preview", "Stopped", 55, "")]},
        "--token",
        TOKEN,
    )
    path = manifest(tmp_path / "m.yaml", ["renewals"])
    assert "+ create renewals" in cli(sim, backend, "plan", str(path)).stdout
    bound = cli(sim, backend, "import", "renewals", "5003", str(path))
    assert bound.returncode == 0 and "Bound renewals to campaign 5003." in bound.stdout
    plan = cli(sim, backend, "plan", str(path))
    assert "~ edit   renewals [preview, id 5003]: name: live 'renewals-old' → 'renewals'" in (
        plan.stdout
    )
    assert "create" not in plan.stdout.split("Plan:")[0]


def test_import_refuses_an_id_that_is_not_live_a_name_not_in_the_manifests_and_a_bound_id(
    simulator: StartSimulator, backend: dict[str, str], tmp_path: Path
) -> None:
    sim = simulator(
        {"campaigns": [row("7", "a", "preview", "Stopped", 0, ""), row("8", "b", "preview",
                                                                       "Stopped", 0, "")]},
        "--token",
        TOKEN,
    )  # fmt: skip
    path = manifest(tmp_path / "m.yaml", ["a", "b"])
    missing = cli(sim, backend, "import", "a", "999", str(path))
    assert missing.returncode == 1 and "not among the 2 live campaigns" in missing.stderr
    unknown = cli(sim, backend, "import", "zz", "7", str(path))
    assert unknown.returncode == 2 and "no campaign named 'zz'" in unknown.stderr
    assert cli(sim, backend, "import", "a", "7", str(path)).returncode == 0
    taken = cli(sim, backend, "import", "b", "7", str(path))
    assert taken.returncode == 1 and "bound to 'a' already" in taken.stderr
    assert cli(sim, backend, "import", "a", "x7", str(path)).returncode == 2
