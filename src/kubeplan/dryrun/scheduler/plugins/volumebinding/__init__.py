"""VolumeBinding."""

from kubeplan.dryrun.scheduler.framework import SKIP, Plugin, Status


class VolumeBinding(Plugin):
    name = "VolumeBinding"

    def pre_filter(self, state, pi):
        return Status(SKIP)

    def filter(self, state, pi, nodes):
        return None

    def failure(self, state, pi, node):
        return Status()
