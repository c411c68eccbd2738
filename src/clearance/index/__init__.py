"""The candidate index: built once per snapshot, persisted beside the store, loaded fast."""

from clearance.index.build import EntityInfo, NameEntry, ScreeningIndex, build_index
from clearance.index.persist import index_path, load_index, save_index

__all__ = [
    "EntityInfo",
    "NameEntry",
    "ScreeningIndex",
    "build_index",
    "index_path",
    "load_index",
    "save_index",
]
