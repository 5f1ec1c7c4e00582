#!/usr/bin/env bash
# Scan an archive on a Slurm cluster with a job array: one array task per shard.
#
#   assay scan plan /shared/archive --shards 32 --out /shared/plan
#   sbatch --array=0-31 deploy/slurm-array.sh /shared/plan /shared/results
#   # when all tasks are done:
#   assay scan merge --plan /shared/plan --results /shared/results --out /shared/report
#
# assay reads the shard index from SLURM_ARRAY_TASK_ID. A requeued task resumes its shard.
#SBATCH --job-name=assay-scan
#SBATCH --cpus-per-task=2
#SBATCH --mem=2G
#SBATCH --time=04:00:00
#SBATCH --output=assay-scan-%A_%a.log
#SBATCH --requeue
set -euo pipefail
plan=${1:?usage: sbatch --array=0-N slurm-array.sh PLAN_DIR RESULTS_DIR}
results=${2:?usage: sbatch --array=0-N slurm-array.sh PLAN_DIR RESULTS_DIR}
exec assay scan run --plan "$plan" --results "$results" -j "${SLURM_CPUS_PER_TASK:-2}"
