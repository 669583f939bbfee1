"""Which controller module handles which (API group, kind)."""

INDEX = {
    ("", "Pod"): "pod",
    ("", "ReplicationController"): "replicationcontroller",
    ("apps", "Deployment"): "deployment",
    ("extensions", "Deployment"): "deployment",
    ("apps", "ReplicaSet"): "replicaset",
    ("extensions", "ReplicaSet"): "replicaset",
    ("apps", "StatefulSet"): "statefulset",
    ("apps", "DaemonSet"): "daemonset",
    ("extensions", "DaemonSet"): "daemonset",
    ("batch", "Job"): "job",
    ("batch", "CronJob"): "cronjob",
}
