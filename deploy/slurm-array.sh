#!/usr/bin/env bash
# A vanban batch as a Slurm job array: one array task per shard (`--shard auto` reads
# SLURM_ARRAY_TASK_ID, SLURM_ARRAY_TASK_MIN, SLURM_ARRAY_TASK_STEP and SLURM_ARRAY_TASK_COUNT, so any
# --array range works: 0-7, 1-8, 0-14:2). The input and output folders are on the cluster's shared
# file system. Submit the array, then the merge once every task has ended:
#
#   mkdir -p logs
#   jobid=$(sbatch --parsable --export=ALL,IN=/shared/scans,OUT=/shared/out deploy/slurm-array.sh)
#   sbatch --dependency=afterany:$jobid --wrap "vanban merge /shared/out"
#
# vanban must be on PATH on the nodes (scripts/setup.sh, or the image of deploy/Containerfile through
# your site's container runtime), with VANBAN_PDFIUM and VANBAN_DICT set if it is not run from the
# repository. A task that is requeued or run again skips the documents it finished.
#SBATCH --job-name=vanban
#SBATCH --array=0-7
#SBATCH --cpus-per-task=2
#SBATCH --mem=2G
#SBATCH --output=logs/vanban-%A_%a.log
set -u
: "${IN:?set IN to the folder of scans}" "${OUT:?set OUT to the output folder}"
vanban ingest "$IN" --out "$OUT" --shard auto --jobs "${SLURM_CPUS_PER_TASK:-1}"
rc=$?
# 1: some inputs failed (listed in the shard's failures.jsonl); the task itself is done.
[ "$rc" -le 1 ] || exit "$rc"
