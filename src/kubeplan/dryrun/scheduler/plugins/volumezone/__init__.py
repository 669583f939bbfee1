"""VolumeZone."""

from kubeplan.dryrun.scheduler.framework import SKIP, Plugin, Status


class VolumeZone(Plugin):
    name = "VolumeZone"

    def pre_filter(self, state, pi):
        return Status(SKIP)

    def filter(self, state, pi, nodes):
        return None

    def failure(self, state, pi, node):
        return Status()
