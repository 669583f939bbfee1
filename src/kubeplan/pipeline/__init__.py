"""The pipeline every manifest-reading command shares: inputs -> units -> render -> lint.

``discovery`` turns command-line paths into units (a chart, a kustomization, the plain
manifests), ``units`` renders or loads one unit and lints it, ``run`` runs the units (on a
process pool with ``--jobs``) and merges their findings into one report. The rule that
decides what is linted how is written down in docs/pipeline.md.
"""
