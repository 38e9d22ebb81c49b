#!/usr/bin/env bash
# End-to-end test of the user's path, with the packed packages, in a copy of the repository under a folder
# named src (a newcomer's ~/src/tlsshutdown), as a clone of the current state holds it:
#   0. dotnet build Analyzers.sln -c Release there (restore included), then
#      dotnet run --project samples/CloseProbe -- --json, as the README says
#   1. pack TlsShutdown and TlsShutdown.Analyzers (unique version) into a local folder feed; check their layout
#   2. copy samples/TlsMistakes, `dotnet add package TlsShutdown` from that feed (+ the normal NuGet source)
#   3. build: the TLS warnings, with their help links; run: the server sees connections end WITHOUT close_notify
#   4. `dotnet format analyzers` applies the fixes; rebuild: no TLS warnings; run: every close is graceful
#   5. tests/EndToEnd/AllRules (one mistake per rule) built with the SDK's compiler (SARIF log) and analyzed by
#      the packed analyzer DLLs in a Roslyn 4.8 host: same diagnostics, no load failure, no CS9057/CS8032/AD0001
#   6. CI configuration: WarningsAsErrors for the TLS IDs, .editorconfig severities, suppressions
#   7. in an editor: csharp-ls (the local dotnet tool of tests/EndToEnd) with csharp.analyzersEnabled shows the
#      build's TLS diagnostics in the app, with their ranges and help links; the fixes' text clears them
# Prints "N passed, N failed" and exits non-zero on any failure. Nothing is written under the repository:
# builds go to a temporary directory (the copy, --artifacts-path), and the package version is unique per run,
# so the NuGet cache never serves a stale package.
#
# Usage: tests/EndToEnd/run.sh [--keep]      (--keep leaves the work directory for inspection)
set -uo pipefail

repo=$(cd "$(dirname "$0")/../.." && pwd)
keep=false
[ "${1:-}" = "--keep" ] && keep=true

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1 DOTNET_CLI_UI_LANGUAGE=en
export MSBUILDDISABLENODEREUSE=1

# Outside the repository: its Directory.Build.props must not apply to the "user's" projects.
work=$(mktemp -d "${TMPDIR:-/tmp}/tlsshutdown-e2e.XXXXXX")
version="0.1.0-e2e.$(date -u +%Y%m%d%H%M%S).$$"
feed="$work/feed"
nuget_cache="${NUGET_PACKAGES:-$HOME/.nuget/packages}"
mkdir -p "$feed"

cleanup() {
  rm -rf "$nuget_cache/tlsshutdown/$version" "$nuget_cache/tlsshutdown.analyzers/$version"
  if $keep; then echo "work directory kept: $work"; else rm -rf "$work"; fi
}
trap cleanup EXIT

passed=0
failed=0
started=$(date +%s)
pass() { passed=$((passed + 1)); echo "PASS: $1"; }
fail() { failed=$((failed + 1)); echo "FAIL: $1"; }
check() { # check "description" command...
  local what=$1; shift
  if "$@"; then pass "$what"; else fail "$what"; fi
}
step() { echo; echo "== $1 ($(($(date +%s) - started)) s)"; }
finish() {
  echo
  echo "end-to-end: $(($(date +%s) - started)) s"
  echo "$passed passed, $failed failed"
  [ "$failed" -eq 0 ]
  exit
}
# Runs a command with its output in a log file; shows the tail of the log when it fails.
run_logged() { # run_logged logfile command...
  local log=$1; shift
  "$@" >"$log" 2>&1
  local status=$?
  if [ $status -ne 0 ]; then echo "  (exit $status) $*"; tail -n 30 "$log" | sed 's/^/  | /'; fi
  return $status
}
tls_ids() { grep -oE '(warning|error|info) TLS[0-9]{3}' "$1" | awk '{print $2}' | sort -u | tr '\n' ' '; }
has_all_ids() { # has_all_ids logfile "TLS001 TLS002 ..."
  local id missing=""
  for id in $2; do grep -qE "(warning|error) $id:" "$1" || missing="$missing $id"; done
  [ -z "$missing" ] || { echo "  missing:$missing (found: $(tls_ids "$1"))"; return 1; }
}
no_host_failures() { ! grep -E 'CS9057|CS8032|AD0001|error CS' "$1" | grep -v 'warning NU' | head -5 | grep .; }

artifacts="$work/artifacts"

# ---------------------------------------------------------------------------------------------------------
# Where the repository is cloned must change nothing: a clone under ~/src/... once made every test project
# warnings-as-errors (NU1603 at restore). The copy holds git's files (tracked, and untracked but not ignored)
# as they are in the working tree, so uncommitted edits are tested too; from here on $repo is the copy.
clone="$work/src/tlsshutdown"
repository_files() { # NUL-separated paths, relative to the repository
  if git -C "$repo" rev-parse --is-inside-work-tree >/dev/null 2>&1; then
    local f
    git -C "$repo" ls-files -z --cached --others --exclude-standard |
      while IFS= read -r -d '' f; do [ -e "$repo/$f" ] && printf '%s\0' "$f"; done
  else
    (cd "$repo" && find . -type f -not -path '*/bin/*' -not -path '*/obj/*' -not -path './artifacts/*' -print0)
  fi
}
step "0. a newcomer's clone under $clone"
mkdir -p "$clone"
repository_files | (cd "$repo" && tar --null -T - -cf -) | tar -xf - -C "$clone"
repo="$clone"
check "dotnet build Analyzers.sln -c Release in a clone under a folder named src (restore included)" \
  run_logged "$work/clone-build.log" bash -c "cd '$repo' && dotnet build Analyzers.sln -c Release"

step "0. CloseProbe as the README runs it"
(cd "$repo" && timeout 120 dotnet run --project samples/CloseProbe --artifacts-path "$artifacts" -- --json --tls 1.3 \
  >"$work/closeprobe.json" 2>"$work/closeprobe.err")
closeprobe_ok() {
  local json="$work/closeprobe.json" rows="$work/closeprobe.rows"
  # peer|close|outcome of each row (the JSON is indented, one property per line, in this order).
  awk -F'"' '/"peer":/ {p=$4} /"close":/ {c=$4} /"outcome":/ {print p "|" c "|" $4}' "$json" >"$rows"
  [ "$(cut -d'|' -f1 "$rows" | sort -u | wc -l)" -eq 6 ] || { echo "  expected 6 peers"; return 1; }
  local expected
  for expected in 'answers-close-notify|graceful-eof-tracking|Clean' 'closes-tcp-only|graceful-eof-tracking|Truncated' \
      'never-answers|graceful-eof-tracking|TimedOut' 'stops-reading|graceful-eof-tracking|SendFailed' \
      'keeps-sending|graceful-eof-tracking|DiscardLimitExceeded' \
      'answers-close-notify|graceful-tls-engine|Clean' 'closes-tcp-only|graceful-tls-engine|Truncated'; do
    grep -qxF "$expected" "$rows" || { echo "  expected a row $expected"; return 1; }
  done
}
check "dotnet run --project samples/CloseProbe -- --json: JSON on stdout, the expected outcomes" closeprobe_ok

# ---------------------------------------------------------------------------------------------------------
step "1. pack $version"
check "dotnet pack TlsShutdown.Analyzers" \
  run_logged "$work/pack-analyzers.log" dotnet pack "$repo/src/Package/TlsShutdown.Analyzers.Package.csproj" \
    -c Release -o "$feed" -p:Version="$version" --artifacts-path "$artifacts"
check "dotnet pack TlsShutdown" \
  run_logged "$work/pack-runtime.log" dotnet pack "$repo/src/Runtime/TlsShutdown.csproj" \
    -c Release -o "$feed" -p:Version="$version" --artifacts-path "$artifacts"

analyzers_nupkg="$feed/TlsShutdown.Analyzers.$version.nupkg"
runtime_nupkg="$feed/TlsShutdown.$version.nupkg"
if [ ! -f "$analyzers_nupkg" ] || [ ! -f "$runtime_nupkg" ]; then
  fail "both packages in the feed"; finish
fi

unzip -q -o "$analyzers_nupkg" -d "$work/pkg-analyzers"
unzip -q -o "$runtime_nupkg" -d "$work/pkg-runtime"
an_nuspec="$work/pkg-analyzers/TlsShutdown.Analyzers.nuspec"
rt_nuspec="$work/pkg-runtime/TlsShutdown.nuspec"
check "analyzers package: analyzer and code-fix DLLs under analyzers/dotnet/cs" \
  test -f "$work/pkg-analyzers/analyzers/dotnet/cs/TlsShutdown.Analyzers.dll" -a -f "$work/pkg-analyzers/analyzers/dotnet/cs/TlsShutdown.CodeFixes.dll"
check "analyzers package: no lib/, no Roslyn DLLs" \
  bash -c "! ls '$work/pkg-analyzers/lib' 2>/dev/null && ! ls '$work/pkg-analyzers/analyzers/dotnet/cs/' | grep -q Microsoft.CodeAnalysis"
check "analyzers package: development dependency, license expression, repository, readme, release notes" \
  bash -c "grep -q '<developmentDependency>true</developmentDependency>' '$an_nuspec' && grep -q '<license type=\"expression\">' '$an_nuspec' \
    && grep -q '<repository ' '$an_nuspec' && grep -q '<readme>README.md</readme>' '$an_nuspec' && test -f '$work/pkg-analyzers/README.md' \
    && grep -q '<releaseNotes>' '$an_nuspec'"
check "runtime package: net8.0 and net10.0 assemblies with XML docs" \
  test -f "$work/pkg-runtime/lib/net8.0/TlsShutdown.dll" -a -f "$work/pkg-runtime/lib/net8.0/TlsShutdown.xml" \
    -a -f "$work/pkg-runtime/lib/net10.0/TlsShutdown.dll" -a -f "$work/pkg-runtime/lib/net10.0/TlsShutdown.xml"
check "runtime package: depends on TlsShutdown.Analyzers $version, analyzers not excluded" \
  bash -c "grep -E '<dependency id=\"TlsShutdown.Analyzers\" version=\"\\[?$version' '$rt_nuspec' | grep -vq 'exclude=\"[^\"]*Analyzers'"
check "runtime package: license expression, repository, readme" \
  bash -c "grep -q '<license type=\"expression\">' '$rt_nuspec' && grep -q '<repository ' '$rt_nuspec' && test -f '$work/pkg-runtime/README.md'"

# A consumer's NuGet configuration: the local feed added to the machine's sources.
cat >"$work/nuget.config" <<EOF
<?xml version="1.0" encoding="utf-8"?>
<configuration>
  <packageSources>
    <add key="tlsshutdown-e2e" value="$feed" />
  </packageSources>
</configuration>
EOF

# Copies a project (without bin/obj) and turns its repository references into the NuGet package.
install_copy() { # install_copy source-dir dest-dir csproj-name
  mkdir -p "$(dirname "$2")"
  cp -r "$1" "$2" && rm -rf "$2/bin" "$2/obj"
  sed -i '/<ProjectReference /d' "$2/$3"
  (cd "$2" && run_logged "$work/add-package-$3.log" dotnet add "$3" package TlsShutdown --version "$version")
}

# ---------------------------------------------------------------------------------------------------------
step "2. install into a copy of samples/TlsMistakes"
app="$work/app/TlsMistakes"
check "dotnet add package TlsShutdown (restores from the local feed)" install_copy "$repo/samples/TlsMistakes" "$app" TlsMistakes.csproj
check "the analyzers came with the runtime package" test -d "$nuget_cache/tlsshutdown.analyzers/$version"

step "3. build: the warnings"
(cd "$app" && dotnet build --no-restore -c Release "-p:ErrorLog=$work/before.sarif%2Cversion=2.1" >"$work/build-before.log" 2>&1)
echo "  TLS diagnostics: $(tls_ids "$work/build-before.log")"
grep -E 'warning TLS' "$work/build-before.log" | sed "s|$work/||; s| \[.*||" | sort -u | head -20 | sed 's/^/  | /'
check "build succeeds with TLS warnings" grep -q 'warning TLS' "$work/build-before.log"
check "the sample shows TLS001 TLS002 TLS003 TLS005" has_all_ids "$work/build-before.log" "TLS001 TLS002 TLS003 TLS005"
check "every TLS warning has its help link" \
  bash -c "! grep -E 'warning TLS[0-9]+' '$work/build-before.log' | grep -vE 'docs/rules/TLS[0-9]{3}\.md' | grep -q ."
check "no CS9057/CS8032/AD0001 in the build" no_host_failures "$work/build-before.log"
check "SARIF log written with the TLS results" grep -q '"ruleId": "TLS' "$work/before.sarif"
(cd "$app" && timeout 60 dotnet bin/Release/net10.0/TlsMistakes.dll >"$work/run-before.log" 2>&1)
sed 's/^/  | /' "$work/run-before.log" | grep server
check "before the fixes the server sees connections closed WITHOUT close_notify" grep -q 'WITHOUT close_notify' "$work/run-before.log"

step "4. dotnet format analyzers: the fixes"
ids="TLS001 TLS002 TLS003 TLS004 TLS005 TLS006 TLS007 TLS008"
# shellcheck disable=SC2086
check "dotnet format analyzers --diagnostics $ids" \
  run_logged "$work/format.log" bash -c "cd '$app' && dotnet format analyzers TlsMistakes.csproj --no-restore --severity info --diagnostics $ids"
diff -ru -x bin -x obj -x '*.csproj' "$repo/samples/TlsMistakes" "$app" >"$work/fixes.diff"
echo "  the fixes: $(grep -c '^+[^+]' "$work/fixes.diff") line(s) added, $(grep -c '^-[^-]' "$work/fixes.diff") removed"
(cd "$app" && dotnet build --no-restore --no-incremental -c Release "-p:ErrorLog=$work/after.sarif%2Cversion=2.1" >"$work/build-after.log" 2>&1)
build_status=$?
echo "  TLS diagnostics left: $(tls_ids "$work/build-after.log")"
grep -E 'warning TLS|error' "$work/build-after.log" | sed "s|$work/||; s| \[.*||" | sort -u | head -20 | sed 's/^/  | /'
check "the fixed app builds" test "$build_status" -eq 0
check "no TLS warnings after the fixes" bash -c "! grep -qE '(warning|error) TLS' '$work/build-after.log'"
check "the TLS005 fix made every handshake a TlsHandshake call" \
  bash -c "grep -rqE 'TlsHandshake\.AuthenticateAs(Client|Server)Async\(' --include=*.cs '$app' && ! grep -rhE '\.AuthenticateAs(Client|Server)Async\(' --include=*.cs '$app' | grep -vq 'TlsHandshake\.AuthenticateAs'"
(cd "$app" && timeout 60 dotnet bin/Release/net10.0/TlsMistakes.dll >"$work/run-after.log" 2>&1)
sed 's/^/  | /' "$work/run-after.log" | grep server
check "after the fixes every connection ends with close_notify" \
  bash -c "[ \$(grep -c 'sent close_notify' '$work/run-after.log') -eq 3 ] && ! grep -q WITHOUT '$work/run-after.log'"

# ---------------------------------------------------------------------------------------------------------
step "5. every rule: SDK compiler vs a Roslyn 4.8 host"
allrules="$work/allrules"
check "dotnet add package TlsShutdown to tests/EndToEnd/AllRules" install_copy "$repo/tests/EndToEnd/AllRules" "$allrules" AllRules.csproj
(cd "$allrules" && dotnet build --no-restore -c Release "-p:ErrorLog=$work/allrules.sarif%2Cversion=2.1" >"$work/build-allrules.log" 2>&1)
echo "  TLS diagnostics: $(tls_ids "$work/build-allrules.log")"
check "the SDK build reports every rule (TLS007 is info: in the SARIF log)" \
  bash -c "has() { grep -q \"\\\"ruleId\\\": \\\"\$1\\\"\" '$work/allrules.sarif'; }; for id in $ids; do has \$id || { echo \"  missing \$id\"; exit 1; }; done"
check "no CS9057/CS8032/AD0001 in the SDK build" no_host_failures "$work/build-allrules.log"
check "suppressed with #pragma and [SuppressMessage]: nothing reported in Suppressed.cs" \
  bash -c "! grep -E '(warning|error) TLS' '$work/build-allrules.log' | grep -q 'Suppressed.cs'"
obj="$allrules/obj/Release/net10.0"
check "build the Roslyn 4.8 host" \
  run_logged "$work/build-host.log" dotnet build "$repo/tests/EndToEnd/Roslyn48Host/Roslyn48Host.csproj" -c Release --artifacts-path "$artifacts"
host_dll=$(find "$artifacts/bin/Roslyn48Host" -name Roslyn48Host.dll | head -n 1)
check "the packed analyzers in Roslyn 4.8: they load, run, and report what the SDK reported" \
  run_logged "$work/host.log" dotnet "$host_dll" --compile "$obj/compile-items.txt" --references "$obj/references.txt" \
    --sarif "$work/allrules.sarif" \
    --analyzer "$work/pkg-analyzers/analyzers/dotnet/cs/TlsShutdown.Analyzers.dll" \
    --analyzer "$work/pkg-analyzers/analyzers/dotnet/cs/TlsShutdown.CodeFixes.dll" \
    --expect-ids "${ids// /,}"
sed 's/^/  | /' "$work/host.log" | grep -vE '^  \|   both' | head -30

# ---------------------------------------------------------------------------------------------------------
step "6. CI configuration"
(cd "$allrules" && dotnet build --no-restore --no-incremental -c Release "-p:WarningsAsErrors=TLS001%3BTLS002%3BTLS003%3BTLS004%3BTLS005%3BTLS006%3BTLS007%3BTLS008" >"$work/build-waserror.log" 2>&1)
status=$?
check "WarningsAsErrors for the TLS IDs fails the build with error TLSnnn" \
  bash -c "[ $status -ne 0 ] && grep -q 'error TLS001' '$work/build-waserror.log' && ! grep -q 'warning TLS001' '$work/build-waserror.log'"
cat >"$allrules/.editorconfig" <<'EOF'
root = true
[*.cs]
dotnet_diagnostic.TLS001.severity = none
dotnet_diagnostic.TLS005.severity = error
dotnet_diagnostic.TLS007.severity = warning
EOF
(cd "$allrules" && dotnet build --no-restore --no-incremental -c Release >"$work/build-editorconfig.log" 2>&1)
status=$?
check ".editorconfig severities: TLS001 none, TLS005 error, TLS007 warning" \
  bash -c "[ $status -ne 0 ] && ! grep -q 'TLS001' '$work/build-editorconfig.log' && grep -q 'error TLS005' '$work/build-editorconfig.log' \
    && grep -q 'warning TLS007' '$work/build-editorconfig.log'"

# ---------------------------------------------------------------------------------------------------------
step "7. in an editor: csharp-ls with csharp.analyzersEnabled"
check "dotnet tool restore: csharp-ls, a local tool of tests/EndToEnd (dotnet-tools.json)" \
  run_logged "$work/tool-restore.log" bash -c "cd '$repo/tests/EndToEnd' && dotnet tool restore"
check "build the language-server check" \
  run_logged "$work/build-lsp.log" dotnet build "$repo/tests/EndToEnd/LanguageServerCheck/LanguageServerCheck.csproj" -c Release --artifacts-path "$artifacts"
lsp_dll=$(find "$artifacts/bin/LanguageServerCheck" -name LanguageServerCheck.dll | head -n 1)
# The app's QuoteClient.cs as dotnet format left it is the fixes' text; the sample's is the original.
check "csharp-ls shows the build's TLS diagnostics in QuoteClient.cs, ranges and help links; the fixes' text clears them" \
  run_logged "$work/lsp.log" timeout -k 10 240 dotnet "$lsp_dll" --tool-dir "$repo/tests/EndToEnd" --project-dir "$app" \
    --document "$app/QuoteClient.cs" --original "$repo/samples/TlsMistakes/QuoteClient.cs" --sarif "$work/before.sarif" \
    --rules-dir "$repo/docs/rules"
sed 's/^/  | /' "$work/lsp.log" | head -30

finish
