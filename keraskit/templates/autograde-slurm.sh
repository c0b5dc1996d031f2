#!/bin/bash
# Grade a class as a Slurm array job: task K of N grades shard K/N (a stable share of the
# students), then one dependent job merges the shards (docs/lms.md, "Past one machine").
#   sbatch --array=1-3 autograde-slurm.sh          # N = the array's size
#   sbatch --dependency=afterok:<jobid> --export=ALL,MERGE=1,SHARDS=3 --output=autograde-merge-%j.log autograde-slurm.sh
# SUBMISSIONS and OUT are shared storage every node reads; KERASKIT is the kit's command.
#SBATCH --job-name=keraskit-autograde
#SBATCH --cpus-per-task=2
#SBATCH --mem=4G
#SBATCH --time=02:00:00
#SBATCH --output=autograde-%A_%a.log
set -euo pipefail
SUBMISSIONS=${SUBMISSIONS:-submissions.zip}
OUT=${OUT:-graded}
KERASKIT=${KERASKIT:-keraskit}
N=${SHARDS:-${SLURM_ARRAY_TASK_COUNT:-1}}
if [ "${MERGE:-0}" = 1 ]; then
    folders=()
    for k in $(seq 1 "$N"); do folders+=("$OUT/shard-$k"); done
    exec $KERASKIT autograde --merge "${folders[@]}" --out "$OUT/class" --export csv
fi
K=${SLURM_ARRAY_TASK_ID:?run as an array job: sbatch --array=1-N}
exec $KERASKIT autograde "$SUBMISSIONS" --out "$OUT/shard-$K" --shard "$K/$N" --jobs "${SLURM_CPUS_PER_TASK:-1}"
