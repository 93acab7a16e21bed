#!/bin/sh
# Slurm: the thumbnails of recipes/demo as a job array of 3 shards, then a fan-in job that builds the contact
# sheet once every shard succeeded. The tree is on a file system every node sees (an NFS home, Lustre, ...):
# each shard writes its own .imgmake/log.shard-K-of-3 and its outputs into it, and the fan-in job reads them all.
#
#   sh ci-examples/slurm.sh [TREE]          TREE: the recipe's folder (default recipes/demo); imgmake on PATH
#
# `--shard auto` reads SLURM_ARRAY_TASK_ID, _MIN, _STEP and _COUNT (any --array range and step works);
# -j takes the CPUs Slurm gave the task. Prints the two job ids (the array's, then the fan-in's).
set -eu
tree=${1:-recipes/demo}
shards=$(sbatch --parsable --array=1-3 --job-name=imgmake-shard --output="$tree/slurm-%A_%a.log" \
    --wrap "imgmake -C '$tree' --shard auto -j \"\${SLURM_CPUS_ON_NODE:-1}\" --junit junit-\$SLURM_ARRAY_TASK_ID.xml thumbs")
echo "$shards"
sbatch --parsable --dependency="afterok:$shards" --job-name=imgmake-fan-in --output="$tree/slurm-%j.log" \
    --wrap "imgmake -C '$tree' --report report.json thumbs sheet"
