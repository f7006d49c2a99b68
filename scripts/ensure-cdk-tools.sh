#!/bin/sh
# Makes sure examples/cdk's npm packages are installed as its package-lock.json pins them (aws-cdk
# 2.1148.1, aws-cdk-lib 2.275.0, aws-cdk-local 3.0.4, constructs) into examples/cdk/node_modules
# (gitignored), for the CDK example and its test. Needs Node.js >= 20 and npm; as root on Debian,
# installs them from Debian's packages when missing.
set -u
cd "$(dirname "$0")/../examples/cdk" || exit 1
if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
    if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null 2>&1; then
        echo "error: Node.js >= 20 and npm are needed for the CDK example (Debian: apt-get install -y nodejs npm)" >&2
        exit 1
    fi
    echo "installing nodejs and npm from Debian's packages..."
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nodejs npm >/dev/null \
        || { echo "error: could not install nodejs and npm" >&2; exit 1; }
fi
major=$(node -p 'process.versions.node.split(".")[0]')
if [ "$major" -lt 20 ]; then
    echo "error: Node.js $(node --version) is too old for aws-cdk-lib 2.275.0; 20 or newer is needed" >&2
    exit 1
fi
# npm ci writes node_modules/.package-lock.json: the same lock means nothing to do
if [ -f node_modules/.package-lock.json ] && [ -x node_modules/.bin/cdklocal ] \
    && node -e '
        const want = require("./package-lock.json").packages, have = require("./node_modules/.package-lock.json").packages;
        for (const [k, v] of Object.entries(want)) if (k && (!have[k] || have[k].version !== v.version)) process.exit(1);
    '; then
    exit 0
fi
echo "installing the CDK example's npm packages (examples/cdk/node_modules)..."
npm ci --no-audit --no-fund --loglevel=error >/dev/null || { echo "error: npm ci failed in examples/cdk" >&2; exit 1; }
