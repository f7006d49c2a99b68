#!/bin/sh
# Prints the path of a Python >= 3.13 (what localstack-core 2026.3.0 needs), newest first; nothing if none.
ok() { "$1" -c 'import sys; sys.exit(sys.version_info < (3, 13))' 2>/dev/null; }
candidates="${PYTHON:-} python3.14 python3.13"
root=$(pyenv root 2>/dev/null || echo "${PYENV_ROOT:-$HOME/.pyenv}")
candidates="$candidates $(ls -d "$root"/versions/3.1[3-9]*/bin/python3 2>/dev/null | sort -rV)"
for candidate in $candidates python3; do
    path=$(command -v "$candidate" 2>/dev/null) || continue
    if ok "$path"; then
        echo "$path"
        exit 0
    fi
done
exit 1
