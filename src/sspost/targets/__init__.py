"""Target files: the model, loading with positions, and the rules of SPEC section 3."""

from sspost.targets.loader import load_targets, validate_file, validate_files
from sspost.targets.model import TargetFile

__all__ = ["TargetFile", "load_targets", "validate_file", "validate_files"]
