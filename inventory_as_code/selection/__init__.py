"""Which part of the store a plan covers (:mod:`.model`), and ``--changed-since`` (:mod:`.changed`).

selection/
  model.py     Selection: the whole store, or some products; --target
  changed.py   --changed-since REF: the loader's files at REF and now, compared
  gittree.py   a commit's files, as the loader's walk would find them
  outline.py   one YAML file cut into products and store-wide blocks
"""

from __future__ import annotations

from inventory_as_code.selection.changed import changed_since
from inventory_as_code.selection.model import (
    Selection,
    SelectionError,
    everything,
    for_targets,
    products,
    target_slug,
)

__all__ = [
    "Selection",
    "SelectionError",
    "changed_since",
    "everything",
    "for_targets",
    "products",
    "target_slug",
]
