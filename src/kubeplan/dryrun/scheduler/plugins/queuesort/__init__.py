"""PrioritySort: higher priority first, then the pod that arrived first."""

from kubeplan.dryrun.scheduler.framework import Plugin


class PrioritySort(Plugin):
    name = "PrioritySort"

    def less(self, a, b) -> bool:
        if a.priority != b.priority:
            return a.priority > b.priority
        return a.seq < b.seq

    def sort_key(self, pi):
        return (-pi.priority, pi.seq)
