import os


from kubeplan.model.loading import load_paths

FIXTURES = os.path.join(os.path.dirname(__file__), "fixtures")


def fixture_path(name: str) -> str:
    return os.path.join(FIXTURES, name)


def load_fixture(name: str) -> list:
    result = load_paths([fixture_path(name)])
    assert not result.findings, result.findings
    return result.objects


