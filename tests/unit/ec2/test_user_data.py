import base64
import gzip

from localstack_ssm_docker.ec2.user_data import shell_scripts


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


def test_scripts_plain_or_base64_with_or_without_shebang():
    assert shell_scripts("#!/bin/sh\necho hi\n") == ["#!/bin/sh\necho hi\n"]
    assert shell_scripts(b64(b"echo hi > /tmp/x\n")) == ["echo hi > /tmp/x\n"]
    assert shell_scripts(b64(gzip.compress(b"#!/bin/bash\necho zipped\n"))) == [
        "#!/bin/bash\necho zipped\n"
    ]
    assert shell_scripts(b64(b"# a comment first\necho hi\n")) == ["# a comment first\necho hi\n"]


def test_nothing_to_run():
    assert shell_scripts(None) == []
    assert shell_scripts("") == []
    assert shell_scripts(b64(b"#cloud-config\npackages: [git]\n")) == []


def test_mime_multipart_runs_the_shell_parts():
    archive = (
        'Content-Type: multipart/mixed; boundary="B"\n'
        "MIME-Version: 1.0\n\n"
        "--B\n"
        'Content-Type: text/cloud-config; charset="us-ascii"\n\n'
        "packages: [git]\n\n"
        "--B\n"
        'Content-Type: text/x-shellscript; charset="us-ascii"\n\n'
        "#!/bin/sh\necho from mime\n\n"
        "--B--\n"
    )
    (script,) = shell_scripts(b64(archive.encode()))
    assert script.startswith("#!/bin/sh\necho from mime")
