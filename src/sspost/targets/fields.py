"""Walking the target-file model along a path of keys: which keys it allows and requires."""

from __future__ import annotations

import types
import typing
from typing import Any, Union

from pydantic import BaseModel

from sspost.targets.model import TargetFile
from sspost.targets.yamlpos import Path


def model_at(path: Path) -> Any:
    """The annotation the model gives the value at `path` (Any where it does not say)."""
    annotation: Any = TargetFile
    for seg in path:
        annotation = unwrap(annotation)
        if isinstance(annotation, type) and issubclass(annotation, BaseModel):
            field = annotation.model_fields.get(str(seg))
            if field is None:
                return Any
            annotation = field.annotation
        else:
            args = typing.get_args(annotation)
            annotation = args[-1] if args else Any
    return unwrap(annotation)


def allowed_keys(path: Path) -> list[str]:
    """The keys the model accepts at `path`, for "did you mean" hints."""
    annotation = model_at(path)
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return list(annotation.model_fields)
    return []


def required(path: Path) -> bool:
    """Whether the model requires the key at `path` (list items and map entries never are)."""
    annotation = model_at(path[:-1])
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        field = annotation.model_fields.get(str(path[-1]))
        return field is not None and field.is_required()
    return False


def unwrap(annotation: Any) -> Any:
    """Drop Optional and Annotated layers, keeping the one model or container type inside."""
    while True:
        origin = typing.get_origin(annotation)
        if origin is typing.Annotated:
            annotation = typing.get_args(annotation)[0]
        elif origin in (Union, types.UnionType):
            args = [a for a in typing.get_args(annotation) if a is not type(None)]
            annotation = args[0]
        else:
            return annotation
