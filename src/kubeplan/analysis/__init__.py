"""Whole-repository analyses that single-object rules cannot do: effective RBAC
permissions (``rbac``) and NetworkPolicy connectivity (``netpol``)."""
