"""``.kubeplan.yaml``: found upward from the working directory, or given with --config.

```yaml
kubeVersion: "1.33"          # default --kube-version
failOn: error                # default --fail-on
exclude: ["vendor/**"]       # paths (globs) not to read
disable: [schema-missing]    # rule IDs or globs to turn off
enable: []                   # rules that are off by default
severity:                    # override a rule's severity
  schema-missing: warning
pss: {...}                   # Pod Security Standards settings (see docs/pss.md)
policies: [policies/]        # extra policy files or directories, as --policy
```
"""

from __future__ import annotations

import fnmatch
import os
from dataclasses import dataclass, field

from kubeplan.errors import KubeplanError

CONFIG_NAMES = (".kubeplan.yaml", ".kubeplan.yml")
_KNOWN_KEYS = {"kubeVersion", "failOn", "exclude", "disable", "enable", "severity", "pss", "policies", "schema", "checks"}
_OPTION_KEYS = {"kube_version": "kubeVersion", "fail_on": "failOn", "exclude": "exclude", "policies": "policies"}
_LEVELS = ("error", "warning", "info")

# Rules that exist but stay off unless enabled.
DEFAULT_OFF: set = set()


@dataclass
class Config:
    data: dict = field(default_factory=dict)
    path: str | None = None

    @property
    def base_dir(self) -> str | None:
        return os.path.dirname(os.path.abspath(self.path)) if self.path else None

    def get(self, option: str, default=None):
        key = _OPTION_KEYS.get(option, option)
        return self.data.get(key, default)

    def section(self, name: str) -> dict:
        value = self.data.get(name)
        return value if isinstance(value, dict) else {}

    def enabled(self, rule: str) -> bool:
        if any(fnmatch.fnmatchcase(rule, p) for p in self.data.get("disable") or ()):
            return False
        if rule in DEFAULT_OFF:
            return any(fnmatch.fnmatchcase(rule, p) for p in self.data.get("enable") or ())
        return True

    def severity_for(self, rule: str, default: str) -> str:
        overrides = self.data.get("severity") or {}
        if rule in overrides:
            return overrides[rule]
        for pattern, level in sorted(overrides.items()):
            if fnmatch.fnmatchcase(rule, pattern):
                return level
        return default

    def apply(self, findings):
        out = []
        for finding in findings:
            if not self.enabled(finding.rule):
                continue
            finding.severity = self.severity_for(finding.rule, finding.severity)
            out.append(finding)
        return out


def find_config(start: str | None = None) -> str | None:
    directory = os.path.abspath(start or os.getcwd())
    while True:
        for name in CONFIG_NAMES:
            candidate = os.path.join(directory, name)
            if os.path.isfile(candidate):
                return candidate
        parent = os.path.dirname(directory)
        if parent == directory:
            return None
        directory = parent


def load_config(path: str | None = None, search: bool = True) -> Config:
    """The configuration at ``path``, or the nearest ``.kubeplan.yaml``, or defaults."""
    if path is None and search:
        path = find_config()
    if path is None:
        return Config()
    from kubeplan.model.loading import read_source
    from kubeplan.model.yamlload import YamlProblem, iter_documents

    try:
        text = read_source(path)
        docs = list(iter_documents(text))
    except YamlProblem as problem:
        raise KubeplanError(problem.message, path, problem.line, problem.column) from None
    data = docs[0].data if docs else {}
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise KubeplanError("configuration must be a mapping", path, 1)
    for doc in docs[:1]:
        for problem in doc.problems:
            raise KubeplanError(problem.message, path, problem.line, problem.column)
    unknown = sorted(set(data) - _KNOWN_KEYS)
    if unknown:
        raise KubeplanError(
            f"unknown key {unknown[0]!r}; known keys: {', '.join(sorted(_KNOWN_KEYS))}",
            path,
            docs[0].positions.get((unknown[0],), (0,))[0] if docs[0].positions else 0,
        )
    for key in ("exclude", "disable", "enable", "policies"):
        value = data.get(key)
        if value is not None and not (isinstance(value, list) and all(isinstance(v, str) for v in value)):
            raise KubeplanError(f"{key} must be a list of strings", path)
    severity = data.get("severity") or {}
    if not isinstance(severity, dict):
        raise KubeplanError("severity must map rule IDs to error, warning or info", path)
    for rule, level in severity.items():
        if level not in _LEVELS:
            raise KubeplanError(f"severity of {rule!r} must be error, warning or info, not {level!r}", path)
    if "kubeVersion" in data and data["kubeVersion"] is not None:
        data["kubeVersion"] = str(data["kubeVersion"])
    return Config(data, path)
