import io
import tarfile

from localstack_ssm_docker.engine.docker.container_files import (
    ArchivedFile,
    first_entry,
    single_file_archive,
)


def _symlink_archive(name: str, target: str) -> bytes:
    archive = io.BytesIO()
    with tarfile.open(fileobj=archive, mode="w") as tar:
        info = tarfile.TarInfo(name)
        info.type = tarfile.SYMTYPE
        info.linkname = target
        tar.addfile(info)
    return archive.getvalue()


def test_a_file_archive_round_trips_with_its_mode():
    data = single_file_archive("var/lib/x/_script.sh", b"echo hi\n", 0o700)
    with tarfile.open(fileobj=io.BytesIO(data)) as tar:
        (member,) = tar.getmembers()
        assert (member.name, member.mode, member.size) == ("var/lib/x/_script.sh", 0o700, 8)
    assert first_entry(data) == ArchivedFile(text="echo hi\n")


def test_a_symbolic_link_gives_its_target():
    data = _symlink_archive("os-release", "../usr/lib/os-release")
    assert first_entry(data) == ArchivedFile(link="../usr/lib/os-release")


def test_an_empty_archive_has_no_file():
    assert first_entry(_empty()) == ArchivedFile()


def test_undecodable_bytes_are_replaced():
    assert first_entry(single_file_archive("f", b"a\xffb", 0o644)).text == "a\ufffdb"


def _empty() -> bytes:
    archive = io.BytesIO()
    with tarfile.open(fileobj=archive, mode="w"):
        pass
    return archive.getvalue()
