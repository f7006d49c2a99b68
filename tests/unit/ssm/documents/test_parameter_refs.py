import pytest

from localstack_ssm_docker.ssm.documents.parameter_refs import (
    PLACEHOLDER,
    ParameterResolutionError,
    has_references,
    resolve,
)


def test_references_are_found_with_or_without_spaces_and_versions():
    assert has_references({"commands": ["echo {{ ssm:/a/b }}"]})
    assert has_references({"commands": ["echo {{ssm:name:3}}"]})
    assert not has_references({"commands": ["echo {{ name }}", "echo ssm:x"]})


def test_lookups_go_in_batches_of_ten_names():
    asked: list[list[str]] = []

    def lookup(names):
        asked.append(names)
        return {n: ("String", n.upper()) for n in names}, []

    names = [f"p{n}" for n in range(12)]
    resolved = resolve({"commands": [" ".join(f"{{{{ssm:{n}}}}}" for n in names)]}, lookup)
    assert [len(batch) for batch in asked] == [10, 2]
    assert resolved["commands"] == [" ".join(n.upper() for n in names)]


def test_missing_and_secure_parameters_fail_with_the_agents_messages():
    with pytest.raises(ParameterResolutionError, match=r"invalid parameters \[a b\]"):
        resolve({"commands": ["{{ssm:a}} {{ssm:b}}"]}, lambda names: ({}, names))
    with pytest.raises(ParameterResolutionError, match="of type SecureString are not supported"):
        resolve({"commands": ["{{ssm:s}}"]}, lambda names: ({"s": ("SecureString", "x")}, []))


@pytest.mark.parametrize(
    "text",
    ["{{name}}", "{{ name }}", "{{\tname\n}}", "{{  a.b_c-9 }}", "{{\r\fname }}"],
)
def test_a_placeholder_is_a_name_with_whitespace_around_it(text):
    assert PLACEHOLDER.fullmatch(text)


@pytest.mark.parametrize(
    "text", ["{{ ssm:/a }}", "{{ a b }}", "{{}}", "{{ na/me }}", "{ name }", "{{ n\u00e4me }}"]
)
def test_anything_else_between_braces_is_not_a_placeholder(text):
    assert not PLACEHOLDER.search(text)


def test_a_placeholder_names_its_parameter():
    assert [m[1] for m in PLACEHOLDER.finditer("a {{ x }} b {{y-1}}")] == ["x", "y-1"]
