"""Names, hashes and UIDs the controllers and the API server would give new objects,
made deterministic.

* ``safe_encode`` is apimachinery's ``rand.SafeEncodeString``: every byte of a decimal
  hash becomes one character of an alphabet without vowels (so no words) and without
  characters that look alike (0/o, 1/l).
* ``fnv32a``/``fnv32`` are the 32-bit FNV hashes the controllers use (Deployment's
  pod-template-hash uses FNV-1a, ControllerRevision hashes use FNV-1).
* ``NameGenerator`` stands for the API server's ``generateName`` handling: the base is
  cut to 58 characters and 5 random characters of the same alphabet are appended. Here
  the characters come from ``random.Random(f"{seed}/{namespace}/{base}")`` (string seeds
  are hashed with SHA-512, so the sequence does not depend on PYTHONHASHSEED): the n-th pod
  of one base always gets the same name for one seed, and a name already handed out in the
  run is drawn again.
* ``uid_for`` gives a UUID (version 5) derived from the object's identity, for
  ownerReferences and the ``controller-uid`` labels of Jobs.
"""

from __future__ import annotations

import random
import uuid

ALPHANUMS = "bcdfghjklmnpqrstvwxz2456789"
GENERATED_SUFFIX_LENGTH = 5
MAX_NAME_LENGTH = 63
MAX_GENERATED_BASE = MAX_NAME_LENGTH - GENERATED_SUFFIX_LENGTH  # 58, as the API server
_UID_NAMESPACE = uuid.UUID("6f1d2a52-6b8e-4c1e-9a43-6b7562706c61")  # fixed: UIDs stay stable across releases


def safe_encode(text: str) -> str:
    return "".join(ALPHANUMS[b % len(ALPHANUMS)] for b in text.encode())


def fnv32a(data: bytes, h: int = 0x811C9DC5) -> int:
    for byte in data:
        h = ((h ^ byte) * 0x01000193) & 0xFFFFFFFF
    return h


def fnv32(data: bytes, h: int = 0x811C9DC5) -> int:
    for byte in data:
        h = ((h * 0x01000193) & 0xFFFFFFFF) ^ byte
    return h


def uid_for(kind: str, namespace: str, name: str) -> str:
    return str(uuid.uuid5(_UID_NAMESPACE, f"{kind}/{namespace}/{name}"))


class NameGenerator:
    """Deterministic stand-in for ``metadata.generateName``."""

    def __init__(self, seed: int = 0):
        self.seed = seed
        self._streams: dict[tuple[str, str], random.Random] = {}
        self._taken: set[tuple[str, str]] = set()

    def generate(self, namespace: str, base: str) -> str:
        base = base[:MAX_GENERATED_BASE]
        key = (namespace, base)
        stream = self._streams.get(key)
        if stream is None:
            stream = self._streams[key] = random.Random(f"{self.seed}/{namespace}/{base}")
        while True:
            suffix = "".join(stream.choices(ALPHANUMS, k=GENERATED_SUFFIX_LENGTH))
            name = base + suffix
            if (namespace, name) not in self._taken:
                self._taken.add((namespace, name))
                return name

    def reserve(self, namespace: str, name: str) -> None:
        """Mark a fixed name (a StatefulSet pod, a bare pod) as taken."""
        self._taken.add((namespace, name))
