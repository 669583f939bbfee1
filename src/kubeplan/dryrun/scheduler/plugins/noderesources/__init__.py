"""NodeResourcesFit and NodeResourcesBalancedAllocation (upstream package noderesources).

Fit filters on requests (pod count, cpu, memory, ephemeral-storage, extended resources)
and scores with LeastAllocated, MostAllocated or RequestedToCapacityRatio over the
configured resources, counting missing cpu/memory requests as 100m / 200Mi.
BalancedAllocation scores how even the node's cpu/memory fractions would be, with real
requests. Both are vectorised over node rows with upstream's integer arithmetic.
"""

from .balanced_allocation import BalancedAllocation
from .fit import Fit

__all__ = ["Fit", "BalancedAllocation"]
