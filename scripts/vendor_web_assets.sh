#!/usr/bin/env bash
# Copy the explorer's front-end assets from npm into the package, with their licenses.
#   bash scripts/vendor_web_assets.sh
# YASGUI (the SPARQL editor) is served by `dprk-kg serve` at run time, so its built files are
# committed under src/dprk_kg/web/static/vendor/: a wheel from PyPI must work offline, and the
# server must never send a browser to a CDN. The versions are pinned; `npm pack` checks each
# tarball against the registry's integrity hash. axe-core is needed only by the tests and is
# fetched by them (tests/web_support.py), not committed.
set -euo pipefail
cd "$(dirname "$0")/.."

YASGUI_VERSION=4.6.2
target=src/dprk_kg/web/static/vendor/yasgui
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

(cd "$work" && npm pack --silent "@zazuko/yasgui@${YASGUI_VERSION}" >/dev/null && tar xzf zazuko-yasgui-*.tgz)
mkdir -p "$target"
cp "$work/package/build/yasgui.min.js" "$work/package/build/yasgui.min.css" "$target/"
# The source map is not shipped: drop the comment pointing at it (a browser would ask for it).
sed -i "/sourceMappingURL=/d" "$target/yasgui.min.js" "$target/yasgui.min.css"
# The npm package declares "license": "MIT" but ships no license file; the text is MIT's,
# with the holders the package names (author and contributors).
license=$(node -p "require('$work/package/package.json').license")
[[ $license == MIT ]] || { echo "YASGUI's license is now $license: review before vendoring" >&2; exit 1; }
cat > "$target/LICENSE" <<LICENSE
@zazuko/yasgui ${YASGUI_VERSION} (https://github.com/rdfjs/Yasgui), copied from npm by
scripts/vendor_web_assets.sh. License: MIT, as its package.json declares.

Copyright (c) Triply (author) and Zazuko GmbH (contributors)

Permission is hereby granted, free of charge, to any person obtaining a copy of this software
and associated documentation files (the "Software"), to deal in the Software without
restriction, including without limitation the rights to use, copy, modify, merge, publish,
distribute, sublicense, and/or sell copies of the Software, and to permit persons to whom the
Software is furnished to do so, subject to the following conditions:

The above copyright notice and this permission notice shall be included in all copies or
substantial portions of the Software.

THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND, EXPRESS OR IMPLIED, INCLUDING
BUT NOT LIMITED TO THE WARRANTIES OF MERCHANTABILITY, FITNESS FOR A PARTICULAR PURPOSE AND
NONINFRINGEMENT. IN NO EVENT SHALL THE AUTHORS OR COPYRIGHT HOLDERS BE LIABLE FOR ANY CLAIM,
DAMAGES OR OTHER LIABILITY, WHETHER IN AN ACTION OF CONTRACT, TORT OR OTHERWISE, ARISING FROM,
OUT OF OR IN CONNECTION WITH THE SOFTWARE OR THE USE OR OTHER DEALINGS IN THE SOFTWARE.
LICENSE
echo "vendored @zazuko/yasgui ${YASGUI_VERSION} into $target"
