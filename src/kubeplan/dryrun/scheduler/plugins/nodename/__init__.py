"""NodeName: a pod that names its node (spec.nodeName) fits only that node."""

from kubeplan.dryrun.scheduler.framework import Plugin, unresolvable

REASON = "node(s) didn't match the requested node name"


class NodeName(Plugin):
    name = "NodeName"

    def filter(self, state, pi, nodes):
        wanted = pi.template.node_name
        if not wanted:
            return None
        return nodes != self.snapshot.index.get(wanted, -1)

    def failure(self, state, pi, node):
        return unresolvable(REASON)
