"""The pod template of every workload kind is checked, and findings point into it."""

from __future__ import annotations

import pytest

CONTAINER = """\
          - name: app
            image: nginx
            securityContext:
              privileged: true
"""


def wrap(kind_header: str, template_indent: int) -> str:
    pad = " " * template_indent
    template = f"{pad}metadata:\n{pad}  labels: {{app: x}}\n{pad}spec:\n{pad}  containers:\n"
    body = "".join(pad + line[8:] + "\n" for line in CONTAINER.splitlines())
    return kind_header + template + body


WORKLOADS = {
    "Pod": ("apiVersion: v1\nkind: Pod\n", "spec.containers[0]"),
    "PodTemplate": ("apiVersion: v1\nkind: PodTemplate\nmetadata: {name: t}\ntemplate:\n", "template.spec.containers[0]"),
    "ReplicationController": ("apiVersion: v1\nkind: ReplicationController\nmetadata: {name: rc}\nspec:\n  template:\n", "spec.template.spec.containers[0]"),
    "Deployment": ("apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: d}\nspec:\n  template:\n", "spec.template.spec.containers[0]"),
    "ReplicaSet": ("apiVersion: apps/v1\nkind: ReplicaSet\nmetadata: {name: r}\nspec:\n  template:\n", "spec.template.spec.containers[0]"),
    "StatefulSet": ("apiVersion: apps/v1\nkind: StatefulSet\nmetadata: {name: s}\nspec:\n  template:\n", "spec.template.spec.containers[0]"),
    "DaemonSet": ("apiVersion: apps/v1\nkind: DaemonSet\nmetadata: {name: ds}\nspec:\n  template:\n", "spec.template.spec.containers[0]"),
    "Job": ("apiVersion: batch/v1\nkind: Job\nmetadata: {name: j}\nspec:\n  template:\n", "spec.template.spec.containers[0]"),
    "CronJob": (
        "apiVersion: batch/v1\nkind: CronJob\nmetadata: {name: c}\nspec:\n  schedule: '* * * * *'\n  jobTemplate:\n    spec:\n      template:\n",
        "spec.jobTemplate.spec.template.spec.containers[0]",
    ),
}


def _text(kind):
    header, path = WORKLOADS[kind]
    if kind == "Pod":
        return header + "metadata:\n  name: p\n" + "spec:\n  containers:\n" + "".join(
            line[8:] + "\n" for line in CONTAINER.splitlines()
        ), path
    indent = len(header.splitlines()[-1]) - len(header.splitlines()[-1].lstrip()) + 2
    return wrap(header, indent), path


@pytest.mark.parametrize("kind", sorted(WORKLOADS))
def test_every_workload_kind(run_pss, kind):
    text, container_path = _text(kind)
    findings = [f for f in run_pss(text, {"pss_level": "baseline"}) if f.rule == "pss-privileged"]
    assert len(findings) == 1
    finding = findings[0]
    assert finding.path == container_path + ".securityContext.privileged"
    line = text.splitlines()[finding.location.line - 1]
    assert line.strip() == "privileged: true"


def test_other_groups_are_not_workloads(run_pss):
    text = _text("Deployment")[0].replace("apps/v1", "example.com/v1")
    assert run_pss(text, {"pss_level": "restricted"}) == []


def test_a_workload_without_a_template_is_skipped(run_pss):
    assert run_pss("apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: d}\nspec: {replicas: 1}\n") == []


def test_init_and_ephemeral_containers_and_annotation_paths(run_pss):
    text = """\
apiVersion: v1
kind: Pod
metadata:
  name: p
  annotations:
    container.apparmor.security.beta.kubernetes.io/app: unconfined
spec:
  initContainers:
    - name: init
      image: busybox
      ports: [{containerPort: 1, hostPort: 1}]
  containers:
    - name: app
      image: nginx
  ephemeralContainers:
    - name: debug
      image: busybox
      securityContext: {procMount: Unmasked}
"""
    findings = {f.rule: f for f in run_pss(text, {"pss_level": "baseline"})}
    assert findings["pss-host-ports"].path == "spec.initContainers[0].ports[0].hostPort"
    assert findings["pss-proc-mount"].path == "spec.ephemeralContainers[0].securityContext.procMount"
    apparmor = findings["pss-apparmor-profile"]
    assert apparmor.path == 'metadata.annotations["container.apparmor.security.beta.kubernetes.io/app"]'
    assert apparmor.location.line == 6
