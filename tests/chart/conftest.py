import pytest

from chart_fixtures import write_chart


@pytest.fixture
def chart_dir(tmp_path):
    def make(name="demo", **kwargs):
        return write_chart(tmp_path / name, name, **kwargs)

    return make
