"""Thin click commands, one module each; ``kubeplan.cli`` finds them by name and imports
only the one being run."""
