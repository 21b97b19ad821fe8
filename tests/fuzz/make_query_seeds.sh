#!/usr/bin/env bash
# Writes the seed corpus of the queries target (corpus/queries/): one request per file, the
# selector byte (see queries_fuzz.cc) and then the request serialized with protoc --encode.
# Run it again after a change to the requests; it replaces only the seeds it writes.
set -euo pipefail
cd "$(dirname "$0")/../.."
out=tests/fuzz/corpus/queries
mkdir -p "$out"

# seed NAME SELECTOR MESSAGE TEXT: SELECTOR % 3 is the request type, (SELECTOR / 3) % 2 the view.
seed() {
  local name=$1 selector=$2 message=$3 text=$4
  { printf "\\x$(printf %02x "$selector")"
    printf '%s' "$text" | protoc --encode="section.v1.$message" -I proto section/v1/section_service.proto
  } >"$out/$name"
}

for id in financial-by-object post-changes posts-by-grade financial-by-component-rb financial-by-component-xb \
          posts-by-component-rb posts-by-component-xb evolution compliance deliverables variances reconciliation \
          component-evolution/edm deliverables/hr measures/finance; do
  seed "table-${id//\//.}" 0 GetTableRequest "id: \"$id\""
done
seed table-unknown 0 GetTableRequest 'id: "no-such-table"'
seed table-empty-id 0 GetTableRequest ''
seed table-unknown-component 0 GetTableRequest 'id: "measures/nobody"'
seed table-disabled-component 3 GetTableRequest 'id: "component-evolution/ict"'
seed measures-all 1 ListMeasuresRequest ''
seed measures-component-year 1 ListMeasuresRequest 'component: "hr" year: 2021'
seed measures-bad-year 1 ListMeasuresRequest 'year: -7'
seed measures-disabled 4 ListMeasuresRequest 'component: "support"'
seed deliverables-all 2 ListDeliverablesRequest ''
seed deliverables-section 2 ListDeliverablesRequest 'component: "section" year: 2022'
seed deliverables-unknown 5 ListDeliverablesRequest 'component: "nobody"'
