#!/usr/bin/env python3
"""Checks scenario files against scenarios/schema.json, as an editor with a YAML language
server would: every example must pass, and the files named after --invalid must fail.

Usage: check_schema.py SCHEMA EXAMPLE... [--invalid FILE...]
Exits 77 (skipped) when the jsonschema or yaml modules are missing.
"""
import json
import sys

try:
    import jsonschema
    import yaml
except ImportError as missing:
    print(f"skipped: {missing}")
    sys.exit(77)


class Loader(yaml.SafeLoader):
    """YAML as the schema sees it: dates stay text (editors read YAML 1.2, which has no
    timestamp type)."""


Loader.yaml_implicit_resolvers = {
    key: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for key, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def as_json(node):
    """Mapping keys as JSON has them: always text (lesson-notes are keyed by stage numbers)."""
    if isinstance(node, dict):
        return {str(k): as_json(v) for k, v in node.items()}
    if isinstance(node, list):
        return [as_json(v) for v in node]
    return node


def main():
    args = sys.argv[1:]
    schema = json.load(open(args[0], encoding="utf-8"))
    jsonschema.Draft202012Validator.check_schema(schema)
    validator = jsonschema.Draft202012Validator(schema)
    invalid = False
    failures = 0
    for path in args[1:]:
        if path == "--invalid":
            invalid = True
            continue
        with open(path, encoding="utf-8") as f:
            document = as_json(yaml.load(f, Loader=Loader))
        errors = list(validator.iter_errors(document))
        if invalid and not errors:
            print(f"{path}: expected the schema to refuse it, but it passed")
            failures += 1
        elif not invalid and errors:
            for e in errors:
                print(f"{path}: {'/'.join(map(str, e.absolute_path))}: {e.message}")
            failures += 1
    print(f"{len(args) - 1 - ('--invalid' in args)} files checked, {failures} unexpected")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
