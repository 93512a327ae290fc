"""What a root module is given from outside its code: variables files, variables and the
workspace."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path


@dataclass
class RootInputs:
    """Values from outside the code: --var-file files, --var NAME=VALUE, --workspace NAME."""

    var_files: list[Path] = field(default_factory=list)
    vars: dict[str, str] = field(default_factory=dict)
    workspace: str | None = None


def selected_workspace(root: Path, inputs: RootInputs) -> tuple[str, str]:
    """(``terraform.workspace`` for this root, where it came from): ``--workspace``, else the
    workspace ``terraform workspace select`` recorded in ``.terraform/environment``, else
    "default" — as Terraform itself decides (TF_WORKSPACE is the CLI's to read)."""
    if inputs.workspace:
        return inputs.workspace, "--workspace"
    try:
        name = (root / ".terraform" / "environment").read_text(encoding="utf-8").strip()
    except (OSError, UnicodeDecodeError):
        name = ""
    return (name, ".terraform/environment") if name else ("default", "default")
