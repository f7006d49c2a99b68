#!/bin/sh
# Makes sure the venv has Ansible (examples/ansible, tests/integration/test_ansible.py, the
# ansible bench scenario): the `ansible` package from PyPI, with its amazon.aws collection (the
# aws_ec2 inventory, the aws_ssm connection), pinned in constraints.txt. Its dependencies keep the
# venv's pins (`pip check` after the install). Also needs unshare (util-linux): the test's
# controller sees LocalStack's name through a hosts file of its own.
set -u
venv=${VENV:-.venv}
want=$(sed -n 's/^ansible==//p' constraints.txt)
have=$("$venv/bin/python" -c 'import importlib.metadata as m; print(m.version("ansible"))' 2>/dev/null)
if [ "$have" != "$want" ]; then
    echo "installing Ansible $want into $venv..."
    "$venv/bin/python" -m pip install -q -c constraints.txt "ansible==$want" \
        || { echo "error: could not install Ansible $want" >&2; exit 1; }
    "$venv/bin/python" -m pip check || exit 1
fi
command -v unshare >/dev/null 2>&1 || { echo "error: unshare (util-linux) is missing" >&2; exit 1; }
exit 0
