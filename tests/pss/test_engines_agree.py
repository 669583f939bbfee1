"""Differential test: the project's CEL compiler and cel-python (the semantic reference)
give the same violations for the whole pack on generated, well-typed pods."""

from __future__ import annotations

import random

import pytest

from kubeplan.linter import pss

CAPS = ["ALL", "NET_BIND_SERVICE", "CHOWN", "SYS_ADMIN", "NET_RAW", "CAP_KILL"]
SECCOMP = ["RuntimeDefault", "Localhost", "Unconfined", ""]
VOLUMES = [{"emptyDir": {}}, {"configMap": {"name": "c"}}, {"hostPath": {"path": "/"}}, {"nfs": {"server": "s", "path": "/"}}, {}]


def maybe(rng, value):
    return value if rng.random() < 0.4 else None


def security_context(rng, pod_level):
    sc = {
        "runAsNonRoot": maybe(rng, rng.choice([True, False])),
        "runAsUser": maybe(rng, rng.choice([0, 1000])),
        "seccompProfile": maybe(rng, {"type": rng.choice(SECCOMP)}),
        "seLinuxOptions": maybe(rng, {"type": rng.choice(["container_t", "spc_t", "container_engine_t"]), "user": rng.choice(["", "u"])}),
        "appArmorProfile": maybe(rng, {"type": rng.choice(["RuntimeDefault", "Unconfined", "Localhost"])}),
        "windowsOptions": maybe(rng, {"hostProcess": rng.choice([True, False])}),
    }
    if pod_level:
        sc["sysctls"] = maybe(rng, [{"name": rng.choice(["kernel.shm_rmid_forced", "kernel.msgmax", "net.ipv4.tcp_rmem"]), "value": "1"}])
    else:
        sc["privileged"] = maybe(rng, rng.choice([True, False]))
        sc["allowPrivilegeEscalation"] = maybe(rng, rng.choice([True, False]))
        sc["procMount"] = maybe(rng, rng.choice(["Default", "Unmasked"]))
        sc["capabilities"] = maybe(rng, {"drop": rng.sample(CAPS, 2), "add": rng.sample(CAPS, rng.randint(0, 2))})
    return {k: v for k, v in sc.items() if v is not None}


def container(rng, name):
    out = {"name": name, "image": "busybox", "securityContext": security_context(rng, False)}
    if rng.random() < 0.3:
        out["ports"] = [{"containerPort": 80, "hostPort": rng.choice([0, 8080])}]
    if rng.random() < 0.3:
        out["livenessProbe"] = {"httpGet": {"port": 80, "host": rng.choice(["", "10.0.0.1"])}}
    return out


def pod(rng):
    spec = {
        "containers": [container(rng, f"c{i}") for i in range(rng.randint(1, 2))],
        "initContainers": [container(rng, "init")] if rng.random() < 0.5 else [],
        "securityContext": security_context(rng, True),
        "volumes": [dict(rng.choice(VOLUMES), name=f"v{i}") for i in range(rng.randint(0, 2))],
    }
    for key in ("hostNetwork", "hostPID", "hostUsers"):
        if rng.random() < 0.2:
            spec[key] = rng.choice([True, False])
    if rng.random() < 0.2:
        spec["os"] = {"name": rng.choice(["linux", "windows"])}
    annotations = {}
    if rng.random() < 0.3:
        annotations["container.apparmor.security.beta.kubernetes.io/c0"] = rng.choice(["runtime/default", "unconfined"])
    if rng.random() < 0.3:
        annotations["seccomp.security.alpha.kubernetes.io/pod"] = rng.choice(["runtime/default", "unconfined"])
    return {"annotations": annotations}, spec


@pytest.mark.parametrize("seed", range(4))
def test_engines_agree(seed):
    rng = random.Random(seed)
    fast = pss.load_pack(pss.PACK_DIR, "kubeplan")
    reference = pss.load_pack(pss.PACK_DIR, "cel-python")
    for _ in range(12):
        metadata, spec = pod(rng)
        for level, version in (("restricted", pss.NEWEST), ("restricted", (1, 24)), ("baseline", (1, 18))):
            got = [(c.check_id, v) for c, v in pss.evaluate_pod(metadata, spec, level, version, fast)]
            want = [(c.check_id, v) for c, v in pss.evaluate_pod(metadata, spec, level, version, reference)]
            assert got == want, (metadata, spec, level, version)
            assert not any(pss.EVALUATION_ERROR in v.message for _, v in got)
