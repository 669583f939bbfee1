"""Kustomize rendering: ``build(path)`` prints what ``kustomize build path`` prints.

Modules follow the kustomization file: ``resources`` (files into objects), ``target``
(the order of one kustomization), one module per field family (``namespace``,
``prefix_suffix``, ``labels``, ``images``, ``replicas``, ``patches``, ``generators``,
``replacements``, ``vars``, ``nameref``, ``sorting``, ``buildmetadata``), ``builder`` (the top of a build), and the field specs
as data in ``fieldspecs/``.
"""

from __future__ import annotations


def build(path: str, load_restrictor: str = "LoadRestrictionsRootOnly"):
    from kubeplan.renderer.kustomize.builder import build as _build

    return _build(path, load_restrictor=load_restrictor)
