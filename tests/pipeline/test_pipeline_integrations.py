"""The GitHub Action's check step, the pre-commit hook definitions and shell completion."""

import os
import subprocess
import sys

import yaml
from pipeline_helpers import PROJECT_ROOT, run_kubeplan, write

BAD = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n  labels: {x: 1}\n"
GOOD = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\ndata: {k: v}\n"


def load(name):
    with open(os.path.join(PROJECT_ROOT, name), encoding="utf-8") as fh:
        return yaml.safe_load(fh)


def action_step(name):
    return next(step for step in load("action.yml")["runs"]["steps"] if step.get("name") == name)


def test_action_is_composite_and_keeps_inputs_out_of_scripts():
    action = load("action.yml")
    assert action["runs"]["using"] == "composite"
    assert {"paths", "args", "version", "sarif-file", "upload-sarif", "category"} <= set(action["inputs"])
    for step in action["runs"]["steps"]:
        assert "${{" not in step.get("run", ""), step.get("name")
    upload = action_step("Upload SARIF")
    assert upload["uses"].startswith("github/codeql-action/upload-sarif@")


def run_check_step(tmp_path, paths):
    step = action_step("kubeplan check")
    output = tmp_path / "github_output"
    output.write_text("")
    env = dict(os.environ)
    env.update({k: v.replace("${{ inputs.paths }}", paths).replace("${{ inputs.args }}", "--pss-level privileged")
                .replace("${{ inputs.sarif-file }}", "out.sarif") for k, v in step["env"].items()})
    env["GITHUB_OUTPUT"] = str(output)
    env["PATH"] = os.path.dirname(sys.executable) + os.pathsep + env["PATH"]
    proc = subprocess.run(["bash", "-e", "-c", step["run"]], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=300)
    return proc, output.read_text()


def test_action_check_step_reports_and_records_the_exit_code(tmp_path):
    write(tmp_path, "deploy/a.yaml", BAD)
    proc, outputs = run_check_step(tmp_path, "deploy")
    assert proc.returncode == 0  # the last step fails the job, after the upload
    assert outputs == "exit-code=1\n"
    assert proc.stdout.startswith("::error file=deploy/a.yaml,line=5,col=12,title=schema-type::")
    assert '"version": "2.1.0"' in (tmp_path / "out.sarif").read_text()
    (tmp_path / "deploy" / "a.yaml").write_text(GOOD)
    proc, outputs = run_check_step(tmp_path, "deploy")
    assert outputs == "exit-code=0\n"
    proc, outputs = run_check_step(tmp_path, "missing")
    assert proc.returncode == 2 and outputs == "exit-code=2\n"


def test_pre_commit_hook_definitions():
    hooks = {hook["id"]: hook for hook in load(".pre-commit-hooks.yaml")}
    assert set(hooks) == {"kubeplan-lint", "kubeplan-check"}
    for hook in hooks.values():
        assert hook["language"] == "python"
        assert hook["entry"] == f"kubeplan {hook['id'].split('-')[1]}"
        assert set(hook["types_or"]) == {"yaml", "json"}
        # one process per run: files of one chart in two batches would render it twice
        assert hook["require_serial"] is True


def test_shell_completion_knows_commands_and_options():
    def complete(words):
        return run_kubeplan(env={"COMP_WORDS": words, "COMP_CWORD": str(len(words.split()) - 1), "_KUBEPLAN_COMPLETE": "bash_complete"})

    assert "plain,check" in complete("kubeplan ch").stdout.splitlines()
    assert "plain,--write-baseline" in complete("kubeplan check --write").stdout.splitlines()
    assert "plain,sarif" in complete("kubeplan lint --format s").stdout.splitlines()
    source = run_kubeplan(env={"_KUBEPLAN_COMPLETE": "bash_source"})
    assert "_kubeplan_completion" in source.stdout
