"""Kind -> resource name and scope, as the API server's discovery would answer for the
built-in APIs, plus CustomResourceDefinitions found in the input."""

from __future__ import annotations

# kind -> plural resource, for kinds whose plural is not the regular lower-case + "s".
_IRREGULAR = {
    "Endpoints": "endpoints",
    "EndpointSlice": "endpointslices",
    "Ingress": "ingresses",
    "IngressClass": "ingressclasses",
    "NetworkPolicy": "networkpolicies",
    "PodSecurityPolicy": "podsecuritypolicies",
    "StorageClass": "storageclasses",
    "PriorityClass": "priorityclasses",
    "RuntimeClass": "runtimeclasses",
    "DeviceClass": "deviceclasses",
    "VolumeAttributesClass": "volumeattributesclasses",
    "ServiceCIDR": "servicecidrs",
    "IPAddress": "ipaddresses",
    "ValidatingAdmissionPolicy": "validatingadmissionpolicies",
    "MutatingAdmissionPolicy": "mutatingadmissionpolicies",
    "FlowSchema": "flowschemas",
    "PriorityLevelConfiguration": "prioritylevelconfigurations",
    "ResourceClaimTemplate": "resourceclaimtemplates",
    "ComponentStatus": "componentstatuses",
}

# Kinds that are not namespaced (the rest of the built-in kinds are).
CLUSTER_SCOPED = frozenset(
    {
        "Namespace",
        "Node",
        "PersistentVolume",
        "ClusterRole",
        "ClusterRoleBinding",
        "CustomResourceDefinition",
        "StorageClass",
        "CSIDriver",
        "CSINode",
        "VolumeAttachment",
        "PriorityClass",
        "RuntimeClass",
        "IngressClass",
        "ValidatingWebhookConfiguration",
        "MutatingWebhookConfiguration",
        "ValidatingAdmissionPolicy",
        "ValidatingAdmissionPolicyBinding",
        "MutatingAdmissionPolicy",
        "MutatingAdmissionPolicyBinding",
        "APIService",
        "CertificateSigningRequest",
        "ClusterTrustBundle",
        "FlowSchema",
        "PriorityLevelConfiguration",
        "PodSecurityPolicy",
        "ComponentStatus",
        "DeviceClass",
        "VolumeAttributesClass",
        "ServiceCIDR",
        "IPAddress",
        "TokenReview",
        "SelfSubjectAccessReview",
        "SelfSubjectRulesReview",
        "SubjectAccessReview",
        "SelfSubjectReview",
    }
)


def plural(kind: str) -> str:
    """The resource name of ``kind`` (kubectl's guess for kinds we do not know)."""
    if kind in _IRREGULAR:
        return _IRREGULAR[kind]
    lower = kind.lower()
    if lower.endswith(("s", "x", "z", "ch", "sh")):
        return lower + "es"
    if lower.endswith("y") and len(lower) > 1 and lower[-2] not in "aeiou":
        return lower[:-1] + "ies"
    return lower + "s"


class ResourceCatalog:
    """Resource names and scopes, with CRDs of the input taking precedence."""

    def __init__(self, objects=()):
        self.custom: dict = {}  # (group, kind) -> (plural, namespaced)
        for obj in objects:
            if obj.kind != "CustomResourceDefinition":
                continue
            spec = obj.data.get("spec")
            if not isinstance(spec, dict):
                continue
            names = spec.get("names") if isinstance(spec.get("names"), dict) else {}
            kind = names.get("kind")
            plural_name = names.get("plural")
            if isinstance(kind, str) and isinstance(plural_name, str):
                self.custom[(str(spec.get("group") or ""), kind)] = (plural_name, spec.get("scope") != "Cluster")

    def resource(self, group: str, kind: str) -> str:
        custom = self.custom.get((group, kind))
        return custom[0] if custom else plural(kind)

    def namespaced(self, group: str, kind: str) -> bool:
        custom = self.custom.get((group, kind))
        if custom:
            return custom[1]
        return kind not in CLUSTER_SCOPED
