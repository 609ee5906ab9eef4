"""`init`: the files of a new GitOps repository for one wolkvox operation.

    manifests/campaigns.yaml   the live campaigns (`export`) or a commented example
    schemas/campaigns.schema.json   for editors (the manifests' modeline points at it)
    .github/workflows/campaigns.yml | .gitlab-ci.yml   the CI recipe (examples/ci/)
    .pre-commit-config.yaml    `validate` before every commit
    .gitignore                 the lock and journal directory, saved plans
    README.md                  what to do next

Nothing is overwritten: `init` refuses a directory that holds anything but `.git`.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

from ..errors import ConfigError
from ..io import FileExistsRefusal, write_new_files

__all__ = ["CI_TARGETS", "scaffold_files", "write_scaffold"]

#: --ci choice → (recipe shipped in the package, where the platform reads it)
CI_TARGETS: dict[str, tuple[str, str]] = {
    "github": ("github-actions.yml", ".github/workflows/campaigns.yml"),
    "gitlab": ("gitlab-ci.yml", ".gitlab-ci.yml"),
}

MODELINE = "# yaml-language-server: $schema=../schemas/campaigns.schema.json\n"

EXAMPLE_MANIFEST = """\
# The campaigns of your operation, as code. `wolkvox-reconciler export` writes this file
# from the live campaigns; by hand, start from the example below (see the README of
# wolkvox-reconciler, "Manifest reference"). Every file under manifests/ is read.
version: 1
operation:
  server: "0000"            # your server: https://wv0000.wolkvox.com → "0000"
  token_env: WOLKVOX_TOKEN  # the NAME of the variable holding the token, never the token
  unmanaged: warn           # live campaigns no manifest names: report them, touch nothing
campaigns: []
# campaigns:
#   - name: collections-q4
#     type: predictive        # preview | predictive
#     state: started          # started | stopped | cleared (stopped, records emptied)
#     description: Q4 collections
#     skill_id: "1001"
#     start_time: "08:00"
#     end_time: "18:00"
"""

PRE_COMMIT = """\
# `pre-commit install` once; then every commit validates the manifests (no API call).
repos:
  - repo: local
    hooks:
      - id: wolkvox-validate
        name: validate wolkvox campaign manifests
        entry: wolkvox-reconciler validate manifests/
        language: system
        files: ^manifests/.*\\.ya?ml$
        pass_filenames: false
"""

GITIGNORE = """\
# lock and journal of `apply` (beside the manifests)
.wolkvox-reconciler/
# saved plans and CI leftovers
plan.json
plan.txt
plan.err
comments/
"""


def _readme(ci: str, exported: bool) -> str:
    ci_file = CI_TARGETS[ci][1]
    secret = (
        "a repository secret `WOLKVOX_TOKEN`"
        if ci == "github"
        else "CI/CD variables `WOLKVOX_TOKEN` and `PLAN_NOTE_TOKEN` (masked)"
    )
    first = (
        "`manifests/campaigns.yaml` holds the live campaigns as exported: review it, "
        "set `protect: true` where records must never be cleared"
        if exported
        else "write your campaigns in `manifests/campaigns.yaml` (or run "
        "`wolkvox-reconciler export -o manifests/live.yaml` with `WOLKVOX_TOKEN` set, "
        "and remove the example)"
    )
    return f"""\
# Dialer campaigns as code

The wolkvox campaigns of this operation, managed with
[wolkvox-reconciler](https://github.com/your-org/wolkvox-reconciler): change a manifest in a
pull request, read the plan CI comments, merge to apply.

## Next steps

1. {first}.
2. `wolkvox-reconciler validate manifests/` (offline), then
   `WOLKVOX_TOKEN=... wolkvox-reconciler plan manifests/`: after an export it says
   `No changes.`
3. `git init && git add -A && git commit -m "campaigns as code"`, push, and add {secret};
   the CI recipe is `{ci_file}`.
4. `pre-commit install`, so that every commit is validated first.
"""


def scaffold_files(ci: str, manifest: str | None) -> dict[str, str]:
    """Relative path → text. `manifest`: an exported manifest, or None for the example."""
    if ci not in CI_TARGETS:
        raise ConfigError(f"--ci must be one of {', '.join(CI_TARGETS)}, not {ci!r}")
    package = resources.files("reconciler")
    recipe, ci_path = CI_TARGETS[ci]
    return {
        "manifests/campaigns.yaml": MODELINE + (manifest or EXAMPLE_MANIFEST),
        "schemas/campaigns.schema.json": (package / "schemas" / "campaigns.schema.json").read_text(
            "utf-8"
        ),
        ci_path: (package / "examples" / "ci" / recipe).read_text("utf-8"),
        ".pre-commit-config.yaml": PRE_COMMIT,
        ".gitignore": GITIGNORE,
        "README.md": _readme(ci, exported=manifest is not None),
    }


def write_scaffold(directory: Path, files: dict[str, str]) -> list[Path]:
    """Write `files` into `directory`, which must not exist or be empty (but for `.git`)."""
    if directory.exists() and not directory.is_dir():
        raise FileExistsRefusal(f"{directory} is not a directory")
    if directory.is_dir():
        present = sorted(p.name for p in directory.iterdir() if p.name != ".git")
        if present:
            shown = ", ".join(present[:5]) + (", ..." if len(present) > 5 else "")
            raise FileExistsRefusal(
                f"refusing to scaffold into {directory}: it is not empty ({shown}); "
                "init writes only into a new or empty directory"
            )
    return write_new_files(directory, files)
