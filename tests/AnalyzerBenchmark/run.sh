#!/usr/bin/env bash
# Analyzer benchmark: builds a generated project at 1x, 2x and 4x size with -p:ReportAnalyzer=true, our
# analyzers and CA2000 enabled, and prints a markdown table of analyzer and compile times.
# usage: tests/AnalyzerBenchmark/run.sh [BASE_FILES=1000] [RUNS=1]
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
base="${1:-1000}"
runs="${2:-1}"
work="${BENCH_DIR:-/tmp/tls-analyzer-bench}"

dotnet build "$repo/src/Analyzers/TlsShutdown.Analyzers.csproj" -c Release -v:q -nologo >/dev/null
analyzers="$repo/src/Analyzers/bin/Release/netstandard2.0"

echo "| Size | Files | Lines | TLS methods | Compile (Csc) s | CA2000 s | TlsShutdown (all 8) s | ours/CA2000 | ours/compile |"
echo "|---|---|---|---|---|---|---|---|---|"
for scale in 1 2 4; do
  dir="$work/x$scale"
  rm -rf "$dir"
  info=$(python3 "$here/generate.py" "$dir" $((base * scale)) "$analyzers")
  (cd "$dir" && dotnet restore -v:q -nologo >/dev/null)
  best_ours=""; best_ca=""; best_csc=""
  for ((r = 0; r < runs; r++)); do
    log="$dir/build$r.log"
    (cd "$dir" && dotnet build --no-restore --no-incremental -p:ReportAnalyzer=true -v:d -clp:PerformanceSummary -nologo >"$log" 2>&1) || { tail -20 "$log"; exit 1; }
    read -r ours ca csc < <(python3 "$here/parse.py" "$log")
    # Keep the fastest run of each: the machine is shared, slower runs measure the neighbours.
    if [ -z "$best_ours" ] || python3 -c "import sys; sys.exit(0 if $ours < $best_ours else 1)"; then best_ours=$ours; fi
    if [ -z "$best_ca" ] || python3 -c "import sys; sys.exit(0 if $ca < $best_ca else 1)"; then best_ca=$ca; fi
    if [ -z "$best_csc" ] || python3 -c "import sys; sys.exit(0 if $csc < $best_csc else 1)"; then best_csc=$csc; fi
  done
  files=$(sed 's/.*files=\([0-9]*\).*/\1/' <<<"$info")
  lines=$(sed 's/.*lines=\([0-9]*\).*/\1/' <<<"$info")
  tls=$(sed 's/.*tls_methods=\([0-9]*\) (\(.*\)).*/\1 (\2)/' <<<"$info")
  python3 - "$scale" "$files" "$lines" "$tls" "$best_csc" "$best_ca" "$best_ours" <<'PY'
import sys
scale, files, lines, tls, csc, ca, ours = sys.argv[1:]
csc, ca, ours = float(csc), float(ca), float(ours)
print(f"| {scale}x | {files} | {lines} | {tls} | {csc:.2f} | {ca:.3f} | {ours:.3f} | {100*ours/ca:.1f}% | {100*ours/csc:.2f}% |")
PY
done
