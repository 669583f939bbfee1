"""One passing and one failing case per transformer family, on small inputs."""

import pytest

from kubeplan.errors import KubeplanError
from kubeplan.renderer.kustomize import build
from kubeplan.renderer.kustomize.hashing import content_hash
from kubeplan.renderer.kustomize.images import split_image, updated_image
from kubeplan.renderer.kustomize.json6902 import PatchError, apply_patch
from kubeplan.renderer.kustomize.selectors import Selector, parse_label_selector
from kubeplan.renderer.kustomize.yamlio import dump_document, load_documents

CM = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {name}\ndata:\n  k: v\n"
DEPLOY = (
    "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  selector:\n    matchLabels:\n      app: web\n"
    "  template:\n    metadata:\n      labels:\n        app: web\n    spec:\n      containers:\n      - name: app\n"
    "        image: nginx:1.0\n        envFrom:\n        - configMapRef:\n            name: cfg\n"
)


def _objects(root):
    return {(o.kind, o.name): o for o in build(root).objects}


# --- namespace ---------------------------------------------------------------
def test_namespace_skips_cluster_scoped_and_renames_core_namespace(tree):
    root = tree({
        "kustomization.yaml": "namespace: shop\nresources:\n- r.yaml\n",
        "r.yaml": CM.format(name="a") + "---\napiVersion: v1\nkind: Namespace\nmetadata:\n  name: old\n"
        "---\napiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata:\n  name: cr\n",
    })
    objs = _objects(root)
    assert objs[("ConfigMap", "a")].namespace == "shop"
    assert ("Namespace", "shop") in objs
    assert objs[("ClusterRole", "cr")].namespace == ""


def test_namespace_transformer_rejects_unknown_subject_mode(tree):
    root = tree({
        "kustomization.yaml": "resources:\n- r.yaml\ntransformers:\n- ns.yaml\n",
        "r.yaml": CM.format(name="a"),
        "ns.yaml": "apiVersion: builtin\nkind: NamespaceTransformer\nmetadata:\n  name: x\n  namespace: n\nsetRoleBindingSubjects: some\n",
    })
    with pytest.raises(KubeplanError, match="invalid value \"some\" for setRoleBindingSubjects"):
        build(root)


# --- prefix / suffix, hash, name references -------------------------------------
def test_prefix_and_hash_follow_into_references(tree):
    root = tree({
        "kustomization.yaml": "namePrefix: p-\nresources:\n- d.yaml\nconfigMapGenerator:\n- name: cfg\n  literals:\n  - z=1\n  - a=2\n",
        "d.yaml": DEPLOY,
    })
    objs = _objects(root)
    cm_name = next(name for kind, name in objs if kind == "ConfigMap")
    assert cm_name == "p-cfg-m6ct4t57bc"  # kustomize's hash of this content
    dep = objs[("Deployment", "p-web")]
    assert dep.get(("spec", "template", "spec", "containers", 0, "envFrom", 0, "configMapRef", "name")) == cm_name


def test_prefix_leaves_crds_and_namespaces_alone(tree):
    crd = "apiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\nmetadata:\n  name: widgets.example.com\n"
    root = tree({"kustomization.yaml": "namePrefix: p-\nresources:\n- r.yaml\n", "r.yaml": crd})
    assert ("CustomResourceDefinition", "widgets.example.com") in _objects(root)


# --- labels and annotations ----------------------------------------------------
def test_common_labels_reach_selectors_but_labels_do_not_by_default(tree):
    root = tree({
        "kustomization.yaml": "resources:\n- d.yaml\ncommonLabels:\n  team: a\nlabels:\n- pairs:\n    tier: b\n",
        "d.yaml": DEPLOY,
    })
    dep = _objects(root)[("Deployment", "web")]
    assert dep.get(("spec", "selector", "matchLabels")) == {"app": "web", "team": "a"}
    assert dep.labels == {"team": "a", "tier": "b"}


def test_numeric_common_label_is_an_error(tree):
    root = tree({"kustomization.yaml": "resources:\n- d.yaml\ncommonLabels:\n  version: 2\n", "d.yaml": DEPLOY})
    with pytest.raises(KubeplanError, match="cannot unmarshal number"):
        build(root)


# --- images --------------------------------------------------------------------
@pytest.mark.parametrize(
    "image,parts",
    [
        ("nginx", ("nginx", "", "")),
        ("nginx:1.2", ("nginx", "1.2", "")),
        ("reg:5000/team/app", ("reg:5000/team/app", "", "")),
        ("reg:5000/team/app:v1@sha256:ab", ("reg:5000/team/app", "v1", "sha256:ab")),
        ("app@sha256:ab", ("app", "", "sha256:ab")),
    ],
)
def test_split_image(image, parts):
    assert split_image(image) == parts


def test_image_update_and_non_matching_name():
    entry = {"name": "nginx", "newName": "mirror/nginx", "newTag": "2"}
    assert updated_image("nginx:1.0", entry) == "mirror/nginx:2"
    assert updated_image("nginx-exporter:1.0", entry) is None


# --- replicas ------------------------------------------------------------------
def test_replicas_set_and_unknown_name_fails(tree):
    ok = tree({"kustomization.yaml": "resources:\n- d.yaml\nreplicas:\n- name: web\n  count: 4\n", "d.yaml": DEPLOY})
    assert _objects(ok)[("Deployment", "web")].get(("spec", "replicas")) == 4


def test_replicas_for_a_missing_workload(tree):
    root = tree({"kustomization.yaml": "resources:\n- d.yaml\nreplicas:\n- name: nope\n  count: 4\n", "d.yaml": DEPLOY})
    with pytest.raises(KubeplanError, match="resource with name nope does not match a config"):
        build(root)


# --- JSON 6902 -----------------------------------------------------------------
def test_json_patch_operations():
    doc = {"a": {"b": [1, 2]}, "c": "x"}
    ops = [
        {"op": "add", "path": "/a/b/-", "value": 3},
        {"op": "add", "path": "/a/b/0", "value": 0},
        {"op": "replace", "path": "/c", "value": "y"},
        {"op": "copy", "from": "/c", "path": "/d"},
        {"op": "move", "from": "/d", "path": "/e"},
        {"op": "remove", "path": "/a/b/1"},
        {"op": "test", "path": "/e", "value": "y"},
    ]
    assert apply_patch(doc, ops) == {"a": {"b": [0, 2, 3]}, "c": "y", "e": "y"}
    assert doc == {"a": {"b": [1, 2]}, "c": "x"}  # input untouched


def test_json_patch_failures():
    with pytest.raises(PatchError, match="test failed"):
        apply_patch({"a": 1}, [{"op": "test", "path": "/a", "value": 2}])
    with pytest.raises(PatchError, match="Unable to remove nonexistent key"):
        apply_patch({"a": 1}, [{"op": "remove", "path": "/b"}])


# --- selectors -----------------------------------------------------------------
def test_label_selector_syntax():
    reqs = parse_label_selector("app=web, tier in (a,b),!legacy,env!=dev,track")
    assert [r[1] for r in reqs] == ["=", "in", "!", "!=", "exists"]
    for bad in ("app in (a", "(bad", "a=b=c"):
        with pytest.raises(KubeplanError):
            parse_label_selector(bad)


def test_selector_names_are_anchored_regular_expressions(tree):
    root = tree({"kustomization.yaml": "resources:\n- r.yaml\n", "r.yaml": CM.format(name="web") + "---\n" + CM.format(name="web2")})
    resmap = build(root).objects
    sel = Selector({"kind": "ConfigMap", "name": "web"})

    class _Res:  # the selector only needs ids and metadata
        def __init__(self, obj):
            from kubeplan.renderer.kustomize.resource import Resource

            self.res = Resource(obj.data, obj.source)

    assert [r.res.name for r in map(_Res, resmap) if sel.matches(r.res)] == ["web"]


# --- generators ----------------------------------------------------------------
def test_secret_hash_and_base64_lines():
    secret = {"kind": "Secret", "type": "Opaque", "data": {"a": "MQ=="}}
    assert content_hash(secret) == "25khgmg44c"


def test_generator_rejects_repeated_keys(tree):
    root = tree({"kustomization.yaml": "configMapGenerator:\n- name: c\n  literals:\n  - a=1\n  - a=2\n"})
    with pytest.raises(KubeplanError, match="illegally repeats the key `a`"):
        build(root)


# --- replacements and vars -----------------------------------------------------
def test_replacement_source_must_exist(tree):
    root = tree({
        "kustomization.yaml": "resources:\n- r.yaml\nreplacements:\n- source:\n    kind: Secret\n    name: nope\n"
        "  targets:\n  - select:\n      kind: ConfigMap\n    fieldPaths: [data.k]\n",
        "r.yaml": CM.format(name="a"),
    })
    with pytest.raises(KubeplanError, match="nothing selected by"):
        build(root)


def test_var_without_object_fails(tree):
    root = tree({
        "kustomization.yaml": "resources:\n- r.yaml\nvars:\n- name: X\n  objref: {apiVersion: v1, kind: Service, name: nope}\n",
        "r.yaml": CM.format(name="a"),
    })
    with pytest.raises(KubeplanError, match="cannot be mapped to a field"):
        build(root)


# --- sort options --------------------------------------------------------------
def test_sort_options_legacy_with_custom_lists(tree):
    root = tree({
        "kustomization.yaml": "resources:\n- r.yaml\nsortOptions:\n  order: legacy\n  legacySortOptions:\n"
        "    orderFirst: [Service]\n    orderLast: [ConfigMap]\n",
        "r.yaml": CM.format(name="a") + "---\napiVersion: v1\nkind: Service\nmetadata:\n  name: s\n"
        "---\napiVersion: v1\nkind: Pod\nmetadata:\n  name: p\n",
    })
    assert [o.kind for o in build(root).objects] == ["Service", "Pod", "ConfigMap"]


def test_sort_options_fifo_with_legacy_lists_is_an_error(tree):
    root = tree({
        "kustomization.yaml": "resources:\n- r.yaml\nsortOptions:\n  order: fifo\n  legacySortOptions:\n    orderFirst: [Service]\n",
        "r.yaml": CM.format(name="a"),
    })
    with pytest.raises(KubeplanError, match="legacySortOptions"):
        build(root)


# --- YAML as kustomize reads and prints it --------------------------------------
def test_yaml_1_2_booleans_in_and_go_yaml_quoting_out():
    (data, _, _), = load_documents("a: yes\nb: on\nc: 012\nd: 1.0\ne: 2024-01-02\n")
    assert data == {"a": "yes", "b": "on", "c": 10, "d": 1, "e": "2024-01-02T00:00:00Z"}
    text = dump_document({"y": "y", "n10": 1, "n9": 2, "s": "1.5", "t": " x", "m": "a\nb\n", "f": 1.5e-07})
    expected = "f: 1.5e-07\nm: |\n  a\n  b\nn9: 2\nn10: 1\ns: \"1.5\"\nt: ' x'\n\"y\": \"y\"\n"
    assert text == expected


# --- strategic merge: kyaml drops `key:` (no value) but keeps an explicit null ----------
def test_merge_drops_valueless_keys_but_keeps_explicit_nulls(tree):
    root = tree({
        "kustomization.yaml": "resources:\n- d.yaml\npatches:\n- patch: |-\n    apiVersion: apps/v1\n    kind: Deployment\n"
        "    metadata:\n      name: d\n    spec:\n      replicas: 2\n",
        "d.yaml": "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: d\nspec:\n  x:\n  y: null\n"
        "  template:\n    spec:\n      containers:\n      - name: c\n        env:\n",
    })
    dep = _objects(root)[("Deployment", "d")]
    assert "x" not in dep.data["spec"] and dep.data["spec"]["y"] is None
    assert dep.get(("spec", "template", "spec", "containers", 0)) == {"name": "c"}
    assert dep.get(("spec", "replicas")) == 2
