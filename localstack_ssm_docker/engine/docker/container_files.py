"""Files in and out of a container through Docker's archive API (tar), which works in any image:
no shell, `cat` or `tee` needed, and nothing runs in the container.

Packing and unpacking the tar are pure functions; the two calls take the low-level client.
"""

import io
import posixpath
import tarfile
from typing import NamedTuple

from docker import APIClient

from localstack_ssm_docker.engine.docker.client import engine_errors
from localstack_ssm_docker.engine.errors import ContainerGone

_SYMLINK_HOPS = 5


class ArchivedFile(NamedTuple):
    """The first entry of an archive: a regular file's text, or a symbolic link's target."""

    text: str | None = None
    link: str | None = None


def first_entry(data: bytes) -> ArchivedFile:
    """The first entry of a tar archive (as Docker's get_archive returns a single path)."""
    with tarfile.open(fileobj=io.BytesIO(data)) as archive:
        member = archive.next()
        if member is None:
            return ArchivedFile()
        if member.issym():
            return ArchivedFile(link=member.linkname)
        extracted = archive.extractfile(member) if member.isfile() else None
        return ArchivedFile(text=extracted.read().decode("utf-8", "replace") if extracted else None)


def single_file_archive(path: str, content: bytes, mode: int) -> bytes:
    """A tar archive of one file at `path` (relative to the directory it is extracted into)."""
    archive = io.BytesIO()
    with tarfile.open(fileobj=archive, mode="w") as tar:
        info = tarfile.TarInfo(path)
        info.size = len(content)
        info.mode = mode
        tar.addfile(info, io.BytesIO(content))
    return archive.getvalue()


def read_text_file(
    api: APIClient, container_id: str, path: str, hops: int = _SYMLINK_HOPS
) -> str | None:
    """A text file of the container, following symbolic links; None when there is none (or the
    container is gone)."""
    try:
        with engine_errors():
            chunks, _ = api.get_archive(container_id, path)
            data = b"".join(chunks)
    except ContainerGone:
        return None
    entry = first_entry(data)
    if entry.link is not None:
        if hops <= 0:
            return None
        target = posixpath.normpath(posixpath.join(posixpath.dirname(path), entry.link))
        return read_text_file(api, container_id, target, hops - 1)
    return entry.text


def write_file(api: APIClient, container_id: str, path: str, content: bytes, mode: int) -> None:
    """Writes a file (absolute `path`) into the container, creating its directories."""
    archive = single_file_archive(path.lstrip("/"), content, mode)
    with engine_errors():
        api.put_archive(container_id, "/", archive)
