from localstack_ssm_docker.volume_identity import FILE_NAME, volume_identity


def test_the_name_is_written_once_and_kept(tmp_path):
    first = volume_identity(tmp_path)
    assert len(first) == 32
    assert volume_identity(tmp_path) == first
    assert (tmp_path / FILE_NAME).read_text() == first
    assert [p.name for p in (tmp_path / FILE_NAME).parent.iterdir()] == ["volume-id"]


def test_volumes_get_different_names(tmp_path):
    assert volume_identity(tmp_path / "a") != volume_identity(tmp_path / "b")
