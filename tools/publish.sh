#!/usr/bin/env bash
# Publish the support site: build into a fresh folder, check it, then upload it.
#
#   tools/publish.sh --dry-run [TARGET]   build, check, and list what the upload would change
#   tools/publish.sh [TARGET]             build, check, upload
#
# TARGET is an rsync destination over SSH, e.g. user@host:sites/support.artelabs.ch
# (the web root of the hosting); without it, $ARTELABS_PUBLISH_TARGET. SSH options
# (port, key) come from ~/.ssh/config or $RSYNC_RSH.
#
# Nothing is uploaded unless the build (mkdocs build --strict) and the checks pass,
# and rsync writes the new files aside and moves them into place at the end
# (--delay-updates), deleting old files last (--delete-after): the live site is
# never half-updated. Only files whose content changed are sent (--checksum: two
# builds of the same commit are byte-identical, so the list is the real change).
set -euo pipefail

usage() { sed -n '2,9p' "$0" | sed 's/^# \{0,1\}//'; }
fail() { echo "publish: $*" >&2; exit 1; }

dry_run=0 allow_dirty=0 target="${ARTELABS_PUBLISH_TARGET:-}"
while [ $# -gt 0 ]; do
  case "$1" in
    -n|--dry-run) dry_run=1 ;;
    --allow-dirty) allow_dirty=1 ;;   # publish uncommitted changes (not reproducible)
    -h|--help) usage; exit 0 ;;
    -*) fail "unknown option $1 (see --help)" ;;
    *) target="$1" ;;
  esac
  shift
done
[ -n "$target" ] || fail "no target: give user@host:path or set ARTELABS_PUBLISH_TARGET (see --help)"

repo="$(cd "$(dirname "$0")/.." && pwd)"
cd "$repo"
python="${PYTHON:-python3}"
if [ -z "${VIRTUAL_ENV:-}" ] && [ -x .venv/bin/python ]; then python=.venv/bin/python; fi

if [ "$dry_run" = 0 ] && [ "$allow_dirty" = 0 ] && [ -n "$(git status --porcelain --untracked-files=no -- docs data hooks overrides mkdocs.yml requirements.txt)" ]; then
  fail "uncommitted changes in the site's sources: commit them first (or --allow-dirty)"
fi

# 0. What must hold before anything is built: confirmed company details and dates, sources
#    checked within 12 months, a dated and versioned build (the PDFs name both).
undated=() 
if git -C "$repo" rev-parse --show-toplevel 2>/dev/null | grep -qx "$repo"; then
  export SOURCE_DATE_EPOCH="${SOURCE_DATE_EPOCH:-$(git -C "$repo" log -1 --format=%ct)}"
  export ARTELABS_VERSION="${ARTELABS_VERSION:-$(git -C "$repo" describe --tags --always --dirty --abbrev=12)}"
fi
[ -n "${SOURCE_DATE_EPOCH:-}" ] || undated+=(--undated)
[ -n "${ARTELABS_VERSION:-}" ] || undated+=(--unversioned)
"$python" tools/publish_check.py "${undated[@]}" || fail "nothing built, nothing uploaded (see the lines above)"

command -v rsync >/dev/null || fail "rsync not found (apt-get install rsync)"
work="$(mktemp -d "${TMPDIR:-/tmp}/artelabs-publish.XXXXXX")"
trap 'rm -rf "$work"' EXIT
site="$work/site"

# 1. Build into a fresh folder. SOURCE_DATE_EPOCH defaults to the last commit's date.
echo "1/3 build: mkdocs build --strict -> $site"
NO_MKDOCS_2_WARNING=1 "$python" -m mkdocs build --strict --quiet -f "$repo/mkdocs.yml" -d "$site" \
  || fail "the build failed: nothing uploaded"

# 2. Check it: every page of both languages and the files the hosting needs.
echo "2/3 check"
missing=()
for page in "" mail/setup/ mail/passwords/ mail/ports/ mail/errors/ mail/security/ mail/limits/ mail/sync/ mail/domain/ \
            privacy/ terms/ status/ contact/; do
  for lang in "" fr/; do
    [ -s "$site/$lang${page}index.html" ] || missing+=("$lang${page}index.html")
  done
done
for file in .htaccess 404.html fr/404.html sitemap.xml search/search_index.json fr/search/search_index.json \
            pdf/artelabs-support-en.pdf fr/pdf/artelabs-support-fr.pdf \
            mail/artelabs-mail.mobileconfig fr/mail/artelabs-mail.mobileconfig; do
  [ -s "$site/$file" ] || missing+=("$file")
done
[ ${#missing[@]} -eq 0 ] || fail "the build lacks: ${missing[*]}: nothing uploaded"
grep -q "^Header always set Content-Security-Policy" "$site/.htaccess" || fail ".htaccess has no Content-Security-Policy"
echo "    $(find "$site" -type f | wc -l) files, every page in both languages"
# The budgets gate the tests (tests/test_budgets.py); here they only warn, so that an
# urgent fix to a support page is never held back by a few kilobytes.
"$python" -m bench --site "$site" --json "$work/bench-report.json" >"$work/bench.txt" 2>&1 \
  || { grep -i "over budget" "$work/bench.txt" | sed 's/^/    warning: /' >&2; }

# 3. Upload: only changed content, new files moved into place at the end, old ones deleted last.
# --chmod: the hosting must read what a private temporary folder holds. The hosting's
# own files (.well-known/ for the certificate) are never deleted.
rsync_options=(--recursive --links --perms --chmod=D755,F644 --checksum --compress
               --delete-after --delay-updates --filter="P /.well-known/" --itemize-changes)
if [ "$dry_run" = 1 ]; then
  echo "3/3 dry run: what the upload to $target would change (nothing is sent)"
  rsync "${rsync_options[@]}" --dry-run "$site/" "$target/"
else
  echo "3/3 upload to $target"
  rsync "${rsync_options[@]}" "$site/" "$target/"
  echo "published: $(git rev-parse --short HEAD) ($(git log -1 --format=%cd --date=iso))"
fi
