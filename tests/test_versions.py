"""Version ranges in pack.toml are PEP 440, read by packaging, and a bad one is refused at its line."""

from __future__ import annotations

import pytest

from game.content.errors import ContentErrors
from game.content.loader import load_content, version_matches


@pytest.mark.parametrize(
    ("version", "spec", "ok"),
    [
        ("0.1.0", "*", True),
        ("0.1.0", ">=0.1", True),
        ("0.1.0", "<0.1", False),
        ("1.2.3", "~=1.2", True),
        ("1.3.0", "~=1.2.0", False),
        ("1.2.3", "==1.*", True),
        ("2.0", ">=1.0,<2", False),
        ("1.10", ">1.9", True),  # not a string comparison
        ("1.0.0", "1.0", True),  # a bare version means exactly it (1.0 == 1.0.0)
        ("1.0.1", "1.0", False),
    ],
)
def test_version_ranges_follow_pep_440(version, spec, ok):
    assert version_matches(version, spec) is ok


def test_a_pack_with_a_range_that_cannot_be_read_is_refused_at_its_line(tmp_path):
    (tmp_path / "pack.toml").write_text('id = "p"\nname = "P"\nversion = "1.0"\ngame_version = ">= zero"\n')
    with pytest.raises(ContentErrors) as caught:
        load_content([tmp_path], "0.1.0")
    assert "pack.toml:4:" in str(caught.value) and "is not a version range" in str(caught.value)
