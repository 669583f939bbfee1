import os
import shutil
import subprocess

import pytest

CASES = os.path.join(os.path.dirname(__file__), "cases")


def case_names():
    return sorted(d for d in os.listdir(CASES) if os.path.isdir(os.path.join(CASES, d)))


def case_dir(name: str) -> str:
    root = os.path.join(CASES, name)
    with open(os.path.join(root, "build_dir")) as fh:
        build_dir = fh.read().strip()
    return os.path.normpath(os.path.join(root, "input", build_dir))


def write_tree(root, files: dict) -> str:
    """Write {relative path: text} under root; returns root as a string."""
    for path, text in files.items():
        full = os.path.join(str(root), path)
        os.makedirs(os.path.dirname(full), exist_ok=True)
        mode = "wb" if isinstance(text, bytes) else "w"
        with open(full, mode) as fh:
            fh.write(text)
    return str(root)


@pytest.fixture
def tree(tmp_path):
    def make(files: dict) -> str:
        return write_tree(tmp_path, files)

    return make


def kubectl_kustomize(path: str):
    """kubectl's output for path, or None where kubectl is absent."""
    if shutil.which("kubectl") is None:
        return None
    proc = subprocess.run(["kubectl", "kustomize", path], capture_output=True, text=True, timeout=60)
    return proc
