"""Cost of one CEL evaluation: a PSS-style ``containers.all(...)`` check over a
Deployment, kubeplan's compiled closures (on the parsed dict as it is) against
cel-python's interpreter (which first needs the object converted into CEL values).

    python benchmarks/bench_cel.py [--runs 2000] [--objects 10000]

It also runs the ``cel_policies`` lint family (two ValidatingAdmissionPolicies, one with a
binding and a namespaceSelector, and one kubeplan Policy with violations) over the shared
Deployment corpus: objects per second on one core, loading excluded.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time

EXPRESSION = (
    "object.spec.template.spec.containers.all(c, "
    "!has(c.securityContext) || !has(c.securityContext.privileged) || c.securityContext.privileged == false)"
    " && object.spec.template.spec.initContainers.all(c, c.?securityContext.?privileged.orValue(false) == false)"
)
# cel-python has no optional syntax: the same check written with has() only.
EXPRESSION_CELPY = (
    "object.spec.template.spec.containers.all(c, "
    "!has(c.securityContext) || !has(c.securityContext.privileged) || c.securityContext.privileged == false)"
    " && object.spec.template.spec.initContainers.all(c, "
    "!has(c.securityContext) || !has(c.securityContext.privileged) || c.securityContext.privileged == false)"
)


def deployment(containers: int = 4) -> dict:
    def container(i):
        return {
            "name": f"c{i}",
            "image": f"registry.example.com/app{i}:1.{i}",
            "ports": [{"containerPort": 8080 + i, "name": f"http{i}"}],
            "env": [{"name": f"VAR{j}", "value": str(j)} for j in range(5)],
            "resources": {"requests": {"cpu": "100m", "memory": "64Mi"}, "limits": {"memory": "128Mi"}},
            "securityContext": {"privileged": False, "runAsNonRoot": True, "capabilities": {"drop": ["ALL"]}},
        }

    return {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {"name": "web", "namespace": "prod", "labels": {"app": "web"}},
        "spec": {
            "replicas": 3,
            "selector": {"matchLabels": {"app": "web"}},
            "template": {
                "metadata": {"labels": {"app": "web"}},
                "spec": {
                    "containers": [container(i) for i in range(containers)],
                    "initContainers": [{"name": "init", "image": "busybox:1.36"}],
                    "volumes": [{"name": "data", "emptyDir": {}}],
                },
            },
        },
    }


def per_call(runs: int, fn) -> float:
    """Best of 5 batches, CPU time per call in microseconds."""
    best = float("inf")
    for _ in range(5):
        start = time.process_time()
        for _ in range(runs):
            fn()
        best = min(best, (time.process_time() - start) / runs)
    return best * 1e6


POLICIES = """
apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingAdmissionPolicy
metadata: {name: max-replicas}
spec:
  matchConstraints:
    resourceRules:
    - {apiGroups: ["apps"], apiVersions: ["v1"], operations: ["CREATE", "UPDATE"], resources: ["deployments"]}
  validations:
  - expression: "object.spec.replicas <= 5"
    messageExpression: "'replicas ' + string(object.spec.replicas) + ' > 5'"
---
apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingAdmissionPolicy
metadata: {name: pinned-images}
spec:
  matchConstraints:
    resourceRules:
    - {apiGroups: ["apps"], apiVersions: ["v1"], operations: ["CREATE"], resources: ["deployments"]}
  variables:
  - name: containers
    expression: "object.spec.template.spec.containers"
  validations:
  - expression: "variables.containers.all(c, c.image.contains(':') && !c.image.endsWith(':latest'))"
---
apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingAdmissionPolicyBinding
metadata: {name: pinned-images-even}
spec:
  policyName: pinned-images
  validationActions: [Warn]
  matchResources:
    namespaceSelector: {matchExpressions: [{key: kubernetes.io/metadata.name, operator: NotIn, values: [ns-0]}]}
---
apiVersion: kubeplan.io/v1alpha1
kind: Policy
metadata: {name: probes-required}
spec:
  severity: warning
  category: reliability
  summary: Containers need readiness and liveness probes.
  violations:
  - expression: >
      podSpec.containers.filter(c, !has(c.readinessProbe) || !has(c.livenessProbe))
        .map(c, {'message': 'container ' + c.name + ' has no probes', 'path': podPath + '.spec.containers'})
"""


def family_throughput(count: int) -> None:
    sys.path.insert(0, os.path.dirname(__file__))
    from corpus import corpus_text

    from kubeplan.linter import cel_policies
    from kubeplan.linter.config import Config
    from kubeplan.linter.vap import Evaluator, load_policies
    from kubeplan.linter.engine import LintContext
    from kubeplan.model.loading import LoadResult, load_text

    loaded = LoadResult()
    load_text(corpus_text(count), "corpus.yaml", loaded)
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "policies.yaml")
        with open(path, "w") as handle:
            handle.write(POLICIES)
        documents, _ = cel_policies.load_policy_files([path])
        policies, bindings = load_policies(documents)

        def only_these():
            evaluator = Evaluator(policies, bindings, loaded.objects)
            return [f for obj in loaded.objects for f in evaluator.check(obj)]

        ctx = LintContext(loaded.objects, Config(), {"policies": (path,)})
        n = len(loaded.objects)
        for label, run in (
            ("3 policies + 1 binding", only_these),
            (f"the same + {len(cel_policies.builtin_policies()[0])} built-in policies", lambda: cel_policies.check(ctx)),
        ):
            best = float("inf")
            for _ in range(3):
                start = time.process_time()
                findings = run()
                best = min(best, time.process_time() - start)
            print(
                f"cel_policies, {label}, {n} Deployments: "
                f"{n / best:,.0f} objects/s ({best / n * 1e6:.1f} us/object, {len(findings)} findings)"
            )


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=2000)
    ap.add_argument("--objects", type=int, default=10_000)
    args = ap.parse_args()

    from kubeplan.linter.cel import compile_expression

    data = deployment()
    program = compile_expression(EXPRESSION)
    assert program.evaluate({"object": data}) is True
    ours = per_call(args.runs, lambda: program.evaluate({"object": data}))
    start = time.process_time()
    for _ in range(100):
        compile_expression(EXPRESSION)
    compile_us = (time.process_time() - start) / 100 * 1e6
    print(f"kubeplan compiled: {ours:9.1f} us per evaluation (compile once: {compile_us:.0f} us)")

    import celpy

    env = celpy.Environment()
    celpy_program = env.program(env.compile(EXPRESSION_CELPY))
    converted = {"object": celpy.json_to_cel(data)}
    assert bool(celpy_program.evaluate(converted)) is True
    runs = max(args.runs // 20, 20)
    convert = per_call(runs, lambda: celpy.json_to_cel(data))
    evaluate = per_call(runs, lambda: celpy_program.evaluate(converted))
    print(f"cel-python:        {evaluate:9.1f} us per evaluation + {convert:.1f} us to convert the object")
    print(f"speed-up: x{(evaluate + convert) / ours:.0f} (x{evaluate / ours:.0f} on evaluation alone)")
    if args.objects:
        family_throughput(args.objects)


if __name__ == "__main__":
    main()
