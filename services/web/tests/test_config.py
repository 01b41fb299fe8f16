"""Settings from the environment."""

import pytest

from project.config import env_int


def test_env_int_reads_an_integer_or_falls_back(monkeypatch):
    monkeypatch.setenv("LABINV_TEST_INT", "42")
    assert env_int("LABINV_TEST_INT", 7) == 42
    monkeypatch.setenv("LABINV_TEST_INT", "")
    assert env_int("LABINV_TEST_INT", 7) == 7
    monkeypatch.delenv("LABINV_TEST_INT")
    assert env_int("LABINV_TEST_INT", 7) == 7


def test_env_int_names_the_variable_it_cannot_read(monkeypatch):
    monkeypatch.setenv("LABINV_TEST_INT", "many")
    with pytest.raises(ValueError, match="LABINV_TEST_INT must be an integer, not 'many'"):
        env_int("LABINV_TEST_INT", 7)
