"""The target file's JSON Schema, generated from the pydantic models."""

from __future__ import annotations

import json

from sspost.targets.model import TargetFile

SCHEMA_ID = "https://sspost.invalid/schema/targets.schema.json"


def json_schema() -> str:
    schema = TargetFile.model_json_schema()
    schema = {"$schema": "https://json-schema.org/draft/2020-12/schema", "$id": SCHEMA_ID,
              **schema, "title": "sspost target file"}
    return json.dumps(schema, ensure_ascii=False, indent=2) + "\n"
