"""NodePorts: a pod's hostPorts must be free on the node (same protocol and port, and the
same hostIP or either side on 0.0.0.0, conflict)."""

import numpy as np

from kubeplan.dryrun.scheduler.framework import SKIP, Plugin, Status, unschedulable

REASON = "node(s) didn't have free ports for the requested pod ports"
ANY_IP = "0.0.0.0"


class NodePorts(Plugin):
    name = "NodePorts"

    def pre_filter(self, state, pi):
        if not pi.template.host_ports:
            return Status(SKIP)
        busy = set()
        for protocol, ip, port in pi.template.host_ports:
            for node, used_ip in self.snapshot.ports.get((protocol, port), ()):
                if ip == used_ip or ip == ANY_IP or used_ip == ANY_IP:
                    busy.add(node)
        state[self.name] = np.array(sorted(busy), dtype=np.int64)
        return None

    def filter(self, state, pi, nodes):
        busy = state.get(self.name)
        if busy is None or len(busy) == 0:
            return None
        return np.isin(nodes, busy)

    def failure(self, state, pi, node):
        return unschedulable(REASON)
