#!/bin/sh
# The invocation that produced packages/offline-plan/src/preview/replace-rules.json: the upstream git directories as fetched (bare
# snapshots), with the random provider at the commit pulumi-random's provider/go.mod requires.
set -eu
M=${MIRROR:-/work/.mirror}
exec npx tsx "$(dirname "$0")/generate.ts" \
  --aws "$M/nuno407+terraform-provider-aws/repo" \
  --postgresql "$M/cyrilgdn+terraform-provider-postgresql/repo" \
  --random "$M/hashicorp+terraform-provider-random/repo@f8d869dc98d9" \
  --kubernetes "$M/pulumi+pulumi-kubernetes/repo"
