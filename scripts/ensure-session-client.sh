#!/bin/sh
# What the Session Manager tests drive: tmux (a real terminal for the shell tests) and AWS's
# session-manager-plugin (not on any registry: a build of AWS's source is expected in
# ../shared/tools/session-manager-plugin beside the clone, or SESSION_MANAGER_PLUGIN_DIR, or on
# PATH). As root on Debian, installs tmux when it is missing. The AWS CLI comes with the venv
# (localstack-core[runtime] pins awscli with its botocore).
set -u
if ! command -v tmux >/dev/null 2>&1; then
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
        echo "installing tmux from Debian's packages..."
        apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq tmux >/dev/null \
            || { echo "error: could not install tmux" >&2; exit 1; }
    else
        echo "error: tmux is needed by the Session Manager tests; install it" >&2
        exit 1
    fi
fi
here=$(cd "$(dirname "$0")/.." && pwd)
dir=${SESSION_MANAGER_PLUGIN_DIR:-}
if [ -z "$dir" ]; then
    p=$here
    while [ "$p" != / ]; do
        p=$(dirname "$p")
        if [ -x "$p/shared/tools/session-manager-plugin/session-manager-plugin" ]; then
            dir=$p/shared/tools/session-manager-plugin
            break
        fi
    done
fi
if [ -z "$dir" ] && ! command -v session-manager-plugin >/dev/null 2>&1; then
    echo "error: session-manager-plugin not found (../shared/tools/session-manager-plugin," >&2
    echo "SESSION_MANAGER_PLUGIN_DIR or PATH); see AWS's install guide for the plugin" >&2
    exit 1
fi
exit 0
