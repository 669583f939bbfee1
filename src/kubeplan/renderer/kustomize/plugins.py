"""``generators:`` / ``transformers:`` entries: kustomize's built-in plugins configured by
file (PrefixSuffixTransformer, LabelTransformer, ...). Exec and container plugins are
refused: untrusted inputs must not run code."""

from __future__ import annotations



def run_generator_plugins(target, entries) -> list:
    if entries:
        from kubeplan.renderer.kustomize.builtin_plugins import generate_from_entries

        return generate_from_entries(target, entries)
    return []


def run_transformer_plugins(target, acc, entries) -> None:
    if entries:
        from kubeplan.renderer.kustomize.builtin_plugins import transform_from_entries

        transform_from_entries(target, acc, entries)
