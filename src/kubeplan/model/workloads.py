"""Where the pod template sits in each workload kind (what PSS, policies and the analyses
read as "the pod" of an object)."""

from __future__ import annotations

# (API group, kind) -> path of the pod template (metadata + spec) inside the object.
POD_TEMPLATE_PATHS = {
    ("", "Pod"): (),
    ("", "PodTemplate"): ("template",),
    ("", "ReplicationController"): ("spec", "template"),
    ("apps", "Deployment"): ("spec", "template"),
    ("apps", "ReplicaSet"): ("spec", "template"),
    ("apps", "StatefulSet"): ("spec", "template"),
    ("apps", "DaemonSet"): ("spec", "template"),
    ("extensions", "Deployment"): ("spec", "template"),
    ("extensions", "ReplicaSet"): ("spec", "template"),
    ("extensions", "DaemonSet"): ("spec", "template"),
    ("batch", "Job"): ("spec", "template"),
    ("batch", "CronJob"): ("spec", "jobTemplate", "spec", "template"),
}
