"""An embedded kube-scheduler (default profile and KubeSchedulerConfiguration profiles)
for dry runs: ``framework`` (extension points, statuses), ``scheduler`` (one scheduling
cycle), ``snapshot`` (the cluster as node arrays), ``plugins/`` (one package per upstream
plugin), ``config`` (KubeSchedulerConfiguration v1)."""
