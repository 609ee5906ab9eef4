"""The benchmark's inputs, generated: manifests with every field used, simulator seeds with
a share of drifted campaigns, and octoDNS's zone of the same size for the comparison."""

from __future__ import annotations

import json
from pathlib import Path

__all__ = [
    "apply_workload",
    "octodns_workload",
    "one_campaign",
    "plan_workload",
    "write_state",
]

STATES = ("started", "stopped", "cleared")


def _campaign_lines(i: int, state: str) -> list[str]:
    protect = "true" if state != "cleared" and i % 5 == 0 else "false"
    return [
        f"  - name: campaign-{i:06d}",
        f"    type: {'preview' if i % 2 else 'predictive'}",
        f"    state: {state}",
        f"    description: Campaign number {i}, wave ${{WOLKVOX_VAR_WAVE:-1}}",
        f'    skill_id: "{1000 + i % 50}"',
        '    start_time: "09:00"',
        '    end_time: "17:30"',
        f"    options: {{opt2: vip, opt3: wave-{i % 7}, opt12: x}}",
        f"    enable_edition: {'yes' if i % 2 else 'no'}",
        f"    protect: {protect}",
        f'    id: "{100000 + i}"',
    ]


def _header(first: bool) -> list[str]:
    lines = ["# yaml-language-server: $schema=../schemas/campaigns.schema.json", "version: 1"]
    if first:
        lines += [
            "operation:",
            '  server: "0002"',
            "  token_env: WOLKVOX_TOKEN",
            "  unmanaged: warn",
            "  daily_quota: 1000000",
        ]
    lines += [
        "defaults:",
        "  type: predictive",
        '  start_time: "08:00"',
        '  end_time: "18:00"',
        "  enable_edition: false",
        "  options:",
        "    opt1: bogota",
        "campaigns:",
    ]
    return lines


def _write_manifests(directory: Path, states: list[str], files: int) -> None:
    directory.mkdir(parents=True, exist_ok=True)
    per = -(-len(states) // files)
    for f in range(files):
        lines = _header(f == 0)
        for i in range(f * per, min(len(states), (f + 1) * per)):
            lines += _campaign_lines(i, states[i])
        (directory / f"ops-{f:02d}.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")


def _live_row(i: int, status: str, records: int) -> dict[str, object]:
    return {
        "campaign_id": str(100000 + i),
        "campaign_name": f"campaign-{i:06d}",
        "type_campaign": "preview" if i % 2 else "predictive",
        "status": status,
        "records": records,
        "campaign_description": f"Campaign number {i}, wave 1",
    }


def write_state(directory: Path, n: int, token: str) -> None:
    """The local state an earlier apply of the `n` campaigns left (its last-applied fields,
    as format 1 and 2, so that an older version reads it too): a plan then compares the
    fields the list cannot show with it, as it does on a repository in use."""
    import hashlib

    fingerprint = hashlib.sha256(token.encode()).hexdigest()[:12]
    key = hashlib.sha256(f"wolkvox-reconciler lock|{fingerprint}".encode()).hexdigest()[:16]
    fields = {
        str(100000 + i): {
            "skill_id": str(1000 + i % 50),
            "start_time": "09:00:00",
            "end_time": "17:30:00",
            "enable_edition": bool(i % 2),
            "options.opt1": "bogota",
            "options.opt2": "vip",
            "options.opt3": f"wave-{i % 7}",
            "options.opt12": "x",
        }
        for i in range(n)
    }
    directory.mkdir(parents=True, exist_ok=True)
    (directory / f"last-applied-{key}.json").write_text(
        json.dumps({"version": 1, "campaigns": fields}), encoding="utf-8"
    )
    state = {"version": 2, "bindings": {}, "campaigns": fields, "journal_offset": 0}
    (directory / f"state-{key}.json").write_text(json.dumps(state), encoding="utf-8")


def plan_workload(root: Path, n: int, *, files: int = 10) -> tuple[Path, Path, int]:
    """`n` campaigns in `files` manifests, and a seed of `n` live campaigns of which every
    tenth is in the wrong state: (manifest directory, seed file, actions the plan must have)."""
    states = [STATES[i % 3] for i in range(n)]
    _write_manifests(root / "manifests", states, files)
    write_state(root / "manifests" / ".wolkvox-reconciler", n, "simulator-token")
    rows = []
    actions = 0
    for i, state in enumerate(states):
        status = "Started" if state == "started" else "Stopped"
        if i % 10 == 0:  # drifted: a start or a stop to plan
            status = "Stopped" if status == "Started" else "Started"
            actions += 1
        rows.append(_live_row(i, status, 0 if state == "cleared" else 5))
    seed = root / "seed.json"
    seed.write_text(json.dumps({"campaigns": rows}), encoding="utf-8")
    return root / "manifests", seed, actions


def apply_workload(root: Path, n: int) -> tuple[Path, Path]:
    """`n` campaigns that should be started, live and stopped: `n` starts to apply."""
    _write_manifests(root / "manifests", ["started"] * n, 1)
    rows = [_live_row(i, "Stopped", 5) for i in range(n)]
    seed = root / "seed.json"
    seed.write_text(json.dumps({"campaigns": rows}), encoding="utf-8")
    return root / "manifests", seed


def one_campaign(root: Path) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    path = root / "one.yaml"
    path.write_text(
        "version: 1\ncampaigns:\n  - {name: one, type: preview, state: stopped}\n",
        encoding="utf-8",
    )
    return path


def octodns_workload(root: Path, n: int) -> Path:
    """A zone of `n` A records in YAML (the source) and the same zone with every tenth
    record changed (the target), with the octoDNS config that syncs one into the other."""

    def zone(changed: bool) -> str:
        lines = ["---"]
        for i in range(n):
            last = i % 250 + 1
            if changed and i % 10 == 0:
                last = 255 - i % 5
            address = f"10.{i // 62500}.{(i // 250) % 250}.{last}"
            lines += [f"host-{i:06d}:", "  ttl: 300", "  type: A", f"  value: {address}"]
        return "\n".join(lines) + "\n"

    for name, changed in (("config", False), ("target", True)):
        (root / name).mkdir(parents=True, exist_ok=True)
        (root / name / "example.com.yaml").write_text(zone(changed), encoding="utf-8")
    config = root / "octodns.yaml"
    config.write_text(
        f"""---
providers:
  config:
    class: octodns.provider.yaml.YamlProvider
    directory: {root / "config"}
  target:
    class: octodns.provider.yaml.YamlProvider
    directory: {root / "target"}
zones:
  example.com.:
    sources: [config]
    targets: [target]
""",
        encoding="utf-8",
    )
    return config


if __name__ == "__main__":
    # run.py generates in a child process: a parent that grew to hold a large workload
    # would raise the peak RSS the kernel reports for every process it starts afterwards
    import sys

    kind, where, size = sys.argv[1], Path(sys.argv[2]), int(sys.argv[3])
    if kind == "plan":
        manifests, seed, actions = plan_workload(where, size)
        print(json.dumps([str(manifests), str(seed), actions]))
    elif kind == "apply":
        print(json.dumps([str(p) for p in apply_workload(where, size)]))
    else:
        print(json.dumps(str(octodns_workload(where, size))))
