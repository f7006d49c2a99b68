from localstack_ssm_docker.engine.docker.containers import parse_os_release


def test_os_release_values_lose_their_quotes():
    content = "# comment\nNAME=\"Amazon Linux\"\nVERSION_ID='2023'\nID=amzn\n\nBROKEN\n"
    assert parse_os_release(content) == {"NAME": "Amazon Linux", "VERSION_ID": "2023", "ID": "amzn"}


def test_os_release_keeps_equals_signs_inside_values():
    assert parse_os_release('HOME_URL="https://x.example/?a=b"\n') == {
        "HOME_URL": "https://x.example/?a=b"
    }


def test_empty_os_release_is_empty():
    assert parse_os_release("") == {}
