import pytest

from packs_security_support import run_family


@pytest.fixture
def family():
    return run_family
