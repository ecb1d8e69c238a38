"""Settings remembered in the output folder, so that later runs reuse them.

A small TOML file, ``<output>/parametres.toml``, of ``name = "value"``
lines that an officer may also edit by hand. Only flat text values.
"""
from __future__ import annotations

import json
import os
import tomllib
from pathlib import Path

SETTINGS_FILE = "parametres.toml"
HEADER = "# Paramètres mémorisés par egalite entre deux lancements (modifiables à la main).\n"


def settings_path(output: Path) -> Path:
    return output / SETTINGS_FILE


def read_settings(output: Path) -> dict[str, str]:
    """The remembered settings; none when the file is missing or not valid TOML."""
    try:
        with open(settings_path(output), "rb") as handle:
            data = tomllib.load(handle)
    except (FileNotFoundError, tomllib.TOMLDecodeError):
        return {}
    return {name: value for name, value in data.items() if isinstance(value, str)}


def write_setting(output: Path, name: str, value: str) -> None:
    """Remember ``name = value``, keeping the other settings (the file is replaced atomically)."""
    settings = read_settings(output) | {name: value}
    # A JSON string is a valid TOML basic string (same quotes and escapes).
    text = HEADER + "".join(f"{key} = {json.dumps(val, ensure_ascii=False)}\n"
                            for key, val in sorted(settings.items()))
    output.mkdir(parents=True, exist_ok=True)
    target = settings_path(output)
    partial = target.with_name(target.name + ".tmp")
    partial.write_text(text, encoding="utf-8")
    os.replace(partial, target)
