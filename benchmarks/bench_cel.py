"""Cost of one CEL evaluation: a PSS-style ``containers.all(...)`` check over a
Deployment, kubeplan's compiled closures (on the parsed dict as it is) against
cel-python's interpreter (which first needs the object converted into CEL values).

    python benchmarks/bench_cel.py [--runs 2000]
"""

from __future__ import annotations

import argparse
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


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=2000)
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


if __name__ == "__main__":
    main()
