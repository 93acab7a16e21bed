function __imgmake_should_offer_completions_for_flags_or_options -a expected_commands
    set -l non_repeating_flags_or_options $argv[2..]
    set -l non_repeating_flags_or_options_absent 0
    set -l positional_index 0
    set -l commands
    __imgmake_parse_tokens
    test "$commands" = "$expected_commands"; and return $non_repeating_flags_or_options_absent
end

function __imgmake_should_offer_completions_for_positional -a expected_commands positional_index_comparison expected_positional_index
    set -l non_repeating_flags_or_options
    set -l non_repeating_flags_or_options_absent 0
    set -l positional_index 0
    set -l commands
    __imgmake_parse_tokens
    test "$commands" = "$expected_commands" -a \( "$positional_index" "$positional_index_comparison" "$expected_positional_index" \)
end

function __imgmake_parse_tokens -S
    set -l unparsed_tokens (__imgmake_tokens -pc)
    switch $unparsed_tokens[1]
    case 'imgmake'
        __imgmake_parse_subcommand -r 1 'f/file=' 'C/directory=' 'max-pixels=' 'allow-outside' 'check=' 'j/jobs=' 'l/load-average=' 'pool=' 'job-timeout=' 'cache=' 'cache-max-size=' 'remote-cache=' 'remote-cache-read-only' 'remote-cache-timeout=' 'max-jobs-per-worker=' 'stall-timeout=' 'n/dry-run' 'question' 'k/keep-going' 'B/always-make' 'explain' 'no-wait' 'q/quiet' 'v/verbose' 'shard=' 'shard-count=' 'report=' 'junit=' 'trace=' 'version' 'h/help'
        switch $unparsed_tokens[1]
        case 'build'
            __imgmake_parse_subcommand -r 1 'f/file=' 'C/directory=' 'max-pixels=' 'allow-outside' 'check=' 'j/jobs=' 'l/load-average=' 'pool=' 'job-timeout=' 'cache=' 'cache-max-size=' 'remote-cache=' 'remote-cache-read-only' 'remote-cache-timeout=' 'max-jobs-per-worker=' 'stall-timeout=' 'n/dry-run' 'question' 'k/keep-going' 'B/always-make' 'explain' 'no-wait' 'q/quiet' 'v/verbose' 'shard=' 'shard-count=' 'report=' 'junit=' 'trace=' 'version' 'h/help'
        case 'shell'
            __imgmake_parse_subcommand -r 1 'f/file=' 'C/directory=' 'max-pixels=' 'allow-outside' 'check=' 'c=' 'version' 'h/help'
        case 'list'
            __imgmake_parse_subcommand -r 1 'f/file=' 'C/directory=' 'max-pixels=' 'allow-outside' 'check=' 'json' 'version' 'h/help'
        case 'explain'
            __imgmake_parse_subcommand -r 1 'f/file=' 'C/directory=' 'max-pixels=' 'allow-outside' 'check=' 'json' 'version' 'h/help'
        case 'graph'
            __imgmake_parse_subcommand -r 1 'f/file=' 'C/directory=' 'max-pixels=' 'allow-outside' 'check=' 'rules' 'version' 'h/help'
        case 'clean'
            __imgmake_parse_subcommand -r 1 'f/file=' 'C/directory=' 'max-pixels=' 'allow-outside' 'check=' 'orphans' 'n/dry-run' 'no-wait' 'version' 'h/help'
        case 'ops'
            __imgmake_parse_subcommand 1 'version' 'h/help'
        case 'help'
            __imgmake_parse_subcommand -r 1 'version'
        end
    end
end

function __imgmake_tokens
    if test (string split -m 1 -f 1 -- . "$FISH_VERSION") -gt 3
        commandline --tokens-raw $argv
    else
        commandline -o $argv
    end
end

function __imgmake_parse_subcommand -S -a positional_count
    argparse -s r -- $argv
    set -l option_specs $argv[2..]
    set -l is_repeating_positional $_flag_r
    set -el _flag_r
    set -a commands $unparsed_tokens[1]
    set positional_index 0
    while true
        set -e unparsed_tokens[1]
        argparse -sn "$commands" $option_specs -- $unparsed_tokens 2> /dev/null
        set unparsed_tokens $argv
        set positional_index (math $positional_index + 1)
        for non_repeating_flag_or_option in $non_repeating_flags_or_options
            if set -ql "_flag_$(string replace -a - _ -- $non_repeating_flag_or_option)"
                set non_repeating_flags_or_options_absent 1
                break
            end
        end
        test (count $unparsed_tokens) -eq 0 -o \( -z "$is_repeating_positional" -a "$positional_index" -gt "$positional_count" \) && break
    end
end

function __imgmake_complete_directories
    set -l token (commandline -t)
    string match -- '*/' $token
    set -l subdirs $token*/
    printf %s\n $subdirs
end

function __imgmake_custom_completion
    set -x SAP_SHELL fish
    set -x SAP_SHELL_VERSION $FISH_VERSION
    set -l tokens (__imgmake_tokens -p)
    if test -z "$(__imgmake_tokens -t)"
        set -l index (count (__imgmake_tokens -pc))
        set tokens $tokens[..$index] \'\' $tokens[(math $index + 1)..]
    end
    command $tokens[1] $argv $tokens
end

complete -c 'imgmake' -f
complete -c 'imgmake' -n '__imgmake_should_offer_completions_for_flags_or_options "imgmake" f file' -s 'f' -l 'file' -d 'Read FILE as the recipe.' -rF
complete -c 'imgmake' -n '__imgmake_should_offer_completions_for_flags_or_options "imgmake" C directory' -s 'C' -l 'directory' -d 'Change to DIR before doing anything.' -rfa '(__imgmake_complete_directories)'
complete -c 'imgmake' -n '__imgmake_should_offer_completions_for_flags_or_options "imgmake" max-pixels' -l 'max-pixels' -d 'Refuse images over N pixels, from their header (0: no limit).' -rfka ''
complete -c 'imgmake' -n '__imgmake_should_offer_completions_for_flags_or_options "imgmake" allow-outside' -l 'allow-outside' -d 'Allow outputs outside the recipe\'s directory tree.'
complete -c 'imgmake' -n '__imgmake_should_offer_completions_for_flags_or_options "imgmake" check' -l 'check' -d 'How inputs are compared: mtime (default) or hash (content, for CI caches and fresh clones).' -rfka 'mtime hash'
complete -c 'imgmake' -n '__imgmake_should_offer_completions_for_flags_or_options "imgmake" j jobs' -s 'j' -l 'jobs' -d 'Run N jobs at once (default: the number of cores).' -rfka ''
complete -c 'imgmake' -n '__imgmake_should_offer_completions_for_flags_or_options "imgmake" l load-average' -s 'l' -l 'load-average' -d 'Start no new job while the load average is at least LOAD (make\'s -l), unless none runs.' -rfka ''
complete -c 'imgmake' -n '__imgmake_should_offer_completions_for_flags_or_options "imgmake" pool' -l 'pool' -d 'The pool that runs jobs: thread or process (process under a memory limit).' -rfka 'thread process'
complete -c 'imgmake' -n '__imgmake_should_offer_completions_for_flags_or_options "imgmake" job-timeout' -l 'job-timeout' -d 'Kill a job that runs longer than SECONDS, and fail it (with --pool thread: run, python, worker jobs only).' -rfka ''
complete -c 'imgmake' -n '__imgmake_should_offer_completions_for_flags_or_options "imgmake" cache' -l 'cache' -d 'Take outputs from, and keep them in, the shared cache folder DIR (default: $IMGMAKE_CACHE).' -rfa '(__imgmake_complete_directories)'
complete -c 'imgmake' -n '__imgmake_should_offer_completions_for_flags_or_options "imgmake" cache-max-size' -l 'cache-max-size' -d 'The cache\'s size limit (K, M, G suffixes; default 10G): least recently used entries go.' -rfka ''
complete -c 'imgmake' -n '__imgmake_should_offer_completions_for_flags_or_options "imgmake" remote-cache' -l 'remote-cache' -d 'Take outputs from, and keep them on, a Bazel HTTP remote cache (nginx WebDAV, bazel-remote; default: $IMGMAKE_REMOTE_CACHE).' -rfka ''
complete -c 'imgmake' -n '__imgmake_should_offer_completions_for_flags_or_options "imgmake" remote-cache-read-only' -l 'remote-cache-read-only' -d 'Take outputs from the remote cache, never store in it, for untrusted jobs (or $IMGMAKE_REMOTE_CACHE_READ_ONLY=true).'
complete -c 'imgmake' -n '__imgmake_should_offer_completions_for_flags_or_options "imgmake" remote-cache-timeout' -l 'remote-cache-timeout' -d 'Give up on the remote cache when it does not answer in SECONDS (default 60).' -rfka ''
complete -c 'imgmake' -n '__imgmake_should_offer_completions_for_flags_or_options "imgmake" max-jobs-per-worker' -l 'max-jobs-per-worker' -d 'With --pool process: replace each worker process after N jobs.' -rfka ''
complete -c 'imgmake' -n '__imgmake_should_offer_completions_for_flags_or_options "imgmake" stall-timeout' -l 'stall-timeout' -d 'Stop and fail a job that makes no progress for SECONDS (no CPU, no bytes read or written, or only failing writes); 0: never.' -rfka ''
complete -c 'imgmake' -n '__imgmake_should_offer_completions_for_flags_or_options "imgmake" dry-run n' -s 'n' -l 'dry-run' -d 'Show what would be built; build nothing.'
complete -c 'imgmake' -n '__imgmake_should_offer_completions_for_flags_or_options "imgmake" question' -l 'question' -d 'Build nothing, print nothing: exit 0 when every target is up to date, 1 when something is stale, 2 on errors (make\'s -q).'
complete -c 'imgmake' -n '__imgmake_should_offer_completions_for_flags_or_options "imgmake" k keep-going' -s 'k' -l 'keep-going' -d 'Go on past failed jobs.'
complete -c 'imgmake' -n '__imgmake_should_offer_completions_for_flags_or_options "imgmake" B always-make' -s 'B' -l 'always-make' -d 'Build every output, stale or not.'
complete -c 'imgmake' -n '__imgmake_should_offer_completions_for_flags_or_options "imgmake" explain' -l 'explain' -d 'Print why each output is stale.'
complete -c 'imgmake' -n '__imgmake_should_offer_completions_for_flags_or_options "imgmake" no-wait' -l 'no-wait' -d 'When another build of this tree is running, fail at once (exit 75) instead of waiting for it.'
complete -c 'imgmake' -n '__imgmake_should_offer_completions_for_flags_or_options "imgmake" q quiet' -s 'q' -l 'quiet' -d 'Print only errors.'
complete -c 'imgmake' -n '__imgmake_should_offer_completions_for_flags_or_options "imgmake" v verbose' -s 'v' -l 'verbose' -d 'Print more about each job.'
complete -c 'imgmake' -n '__imgmake_should_offer_completions_for_flags_or_options "imgmake" shard' -l 'shard' -d 'Build only the per-input outputs in shard K of N (1-based); aggregate outputs are left for an unsharded run. auto: the shard the scheduler gave this job (GitLab CI, CircleCI, Buildkite, Slurm job arrays, Kubernetes Indexed Jobs).' -rfka ''
complete -c 'imgmake' -n '__imgmake_should_offer_completions_for_flags_or_options "imgmake" shard-count' -l 'shard-count' -d 'With --shard auto: the number of shards, for a Kubernetes Indexed Job (its completions).' -rfka ''
complete -c 'imgmake' -n '__imgmake_should_offer_completions_for_flags_or_options "imgmake" report' -l 'report' -d 'Write a JSON report of every output to FILE.' -rF
complete -c 'imgmake' -n '__imgmake_should_offer_completions_for_flags_or_options "imgmake" junit' -l 'junit' -d 'Write a JUnit XML report (one test case per output) to FILE.' -rF
complete -c 'imgmake' -n '__imgmake_should_offer_completions_for_flags_or_options "imgmake" trace' -l 'trace' -d 'Write a Chrome trace of the run to FILE (Perfetto, chrome://tracing): the phases, and each job on its worker.' -rF
complete -c 'imgmake' -n '__imgmake_should_offer_completions_for_positional "imgmake" -ge 1' -fka '(__imgmake_custom_completion ---completion -- positional@0 (count (__imgmake_tokens -pc)) (__imgmake_tokens -tC))'
complete -c 'imgmake' -n '__imgmake_should_offer_completions_for_flags_or_options "imgmake" version' -l 'version' -d 'Show the version.'
complete -c 'imgmake' -n '__imgmake_should_offer_completions_for_flags_or_options "imgmake" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'imgmake' -n '__imgmake_should_offer_completions_for_positional "imgmake" -eq 2' -fa 'build' -d 'Build targets (the default command): rules, groups or output paths.'
complete -c 'imgmake' -n '__imgmake_should_offer_completions_for_positional "imgmake" -eq 2' -fa 'shell' -d 'Open the interactive shell over the recipe (or run shell commands with -c, or from standard input).'
complete -c 'imgmake' -n '__imgmake_should_offer_completions_for_positional "imgmake" -eq 2' -fa 'list' -d 'List rules and groups, with their outputs and how many are stale.'
complete -c 'imgmake' -n '__imgmake_should_offer_completions_for_positional "imgmake" -eq 2' -fa 'explain' -d 'Say why each output is stale, or that it is up to date.'
complete -c 'imgmake' -n '__imgmake_should_offer_completions_for_positional "imgmake" -eq 2' -fa 'graph' -d 'Print the build graph as Graphviz dot: files, in clusters by rule (--rules: one node per rule).'
complete -c 'imgmake' -n '__imgmake_should_offer_completions_for_positional "imgmake" -eq 2' -fa 'clean' -d 'Remove outputs of targets (default: all); --orphans removes outputs no rule makes any more.'
complete -c 'imgmake' -n '__imgmake_should_offer_completions_for_positional "imgmake" -eq 2' -fa 'ops' -d 'List libvips operations, or show one operation\'s arguments.'
complete -c 'imgmake' -n '__imgmake_should_offer_completions_for_positional "imgmake" -eq 2' -fa 'help' -d 'Show subcommand help information.'
complete -c 'imgmake' -n '__imgmake_should_offer_completions_for_flags_or_options "imgmake build" f file' -s 'f' -l 'file' -d 'Read FILE as the recipe.' -rF
complete -c 'imgmake' -n '__imgmake_should_offer_completions_for_flags_or_options "imgmake build" C directory' -s 'C' -l 'directory' -d 'Change to DIR before doing anything.' -rfa '(__imgmake_complete_directories)'
complete -c 'imgmake' -n '__imgmake_should_offer_completions_for_flags_or_options "imgmake build" max-pixels' -l 'max-pixels' -d 'Refuse images over N pixels, from their header (0: no limit).' -rfka ''
complete -c 'imgmake' -n '__imgmake_should_offer_completions_for_flags_or_options "imgmake build" allow-outside' -l 'allow-outside' -d 'Allow outputs outside the recipe\'s directory tree.'
complete -c 'imgmake' -n '__imgmake_should_offer_completions_for_flags_or_options "imgmake build" check' -l 'check' -d 'How inputs are compared: mtime (default) or hash (content, for CI caches and fresh clones).' -rfka 'mtime hash'
complete -c 'imgmake' -n '__imgmake_should_offer_completions_for_flags_or_options "imgmake build" j jobs' -s 'j' -l 'jobs' -d 'Run N jobs at once (default: the number of cores).' -rfka ''
complete -c 'imgmake' -n '__imgmake_should_offer_completions_for_flags_or_options "imgmake build" l load-average' -s 'l' -l 'load-average' -d 'Start no new job while the load average is at least LOAD (make\'s -l), unless none runs.' -rfka ''
complete -c 'imgmake' -n '__imgmake_should_offer_completions_for_flags_or_options "imgmake build" pool' -l 'pool' -d 'The pool that runs jobs: thread or process (process under a memory limit).' -rfka 'thread process'
complete -c 'imgmake' -n '__imgmake_should_offer_completions_for_flags_or_options "imgmake build" job-timeout' -l 'job-timeout' -d 'Kill a job that runs longer than SECONDS, and fail it (with --pool thread: run, python, worker jobs only).' -rfka ''
complete -c 'imgmake' -n '__imgmake_should_offer_completions_for_flags_or_options "imgmake build" cache' -l 'cache' -d 'Take outputs from, and keep them in, the shared cache folder DIR (default: $IMGMAKE_CACHE).' -rfa '(__imgmake_complete_directories)'
complete -c 'imgmake' -n '__imgmake_should_offer_completions_for_flags_or_options "imgmake build" cache-max-size' -l 'cache-max-size' -d 'The cache\'s size limit (K, M, G suffixes; default 10G): least recently used entries go.' -rfka ''
complete -c 'imgmake' -n '__imgmake_should_offer_completions_for_flags_or_options "imgmake build" remote-cache' -l 'remote-cache' -d 'Take outputs from, and keep them on, a Bazel HTTP remote cache (nginx WebDAV, bazel-remote; default: $IMGMAKE_REMOTE_CACHE).' -rfka ''
complete -c 'imgmake' -n '__imgmake_should_offer_completions_for_flags_or_options "imgmake build" remote-cache-read-only' -l 'remote-cache-read-only' -d 'Take outputs from the remote cache, never store in it, for untrusted jobs (or $IMGMAKE_REMOTE_CACHE_READ_ONLY=true).'
complete -c 'imgmake' -n '__imgmake_should_offer_completions_for_flags_or_options "imgmake build" remote-cache-timeout' -l 'remote-cache-timeout' -d 'Give up on the remote cache when it does not answer in SECONDS (default 60).' -rfka ''
complete -c 'imgmake' -n '__imgmake_should_offer_completions_for_flags_or_options "imgmake build" max-jobs-per-worker' -l 'max-jobs-per-worker' -d 'With --pool process: replace each worker process after N jobs.' -rfka ''
complete -c 'imgmake' -n '__imgmake_should_offer_completions_for_flags_or_options "imgmake build" stall-timeout' -l 'stall-timeout' -d 'Stop and fail a job that makes no progress for SECONDS (no CPU, no bytes read or written, or only failing writes); 0: never.' -rfka ''
complete -c 'imgmake' -n '__imgmake_should_offer_completions_for_flags_or_options "imgmake build" dry-run n' -s 'n' -l 'dry-run' -d 'Show what would be built; build nothing.'
complete -c 'imgmake' -n '__imgmake_should_offer_completions_for_flags_or_options "imgmake build" question' -l 'question' -d 'Build nothing, print nothing: exit 0 when every target is up to date, 1 when something is stale, 2 on errors (make\'s -q).'
complete -c 'imgmake' -n '__imgmake_should_offer_completions_for_flags_or_options "imgmake build" k keep-going' -s 'k' -l 'keep-going' -d 'Go on past failed jobs.'
complete -c 'imgmake' -n '__imgmake_should_offer_completions_for_flags_or_options "imgmake build" B always-make' -s 'B' -l 'always-make' -d 'Build every output, stale or not.'
complete -c 'imgmake' -n '__imgmake_should_offer_completions_for_flags_or_options "imgmake build" explain' -l 'explain' -d 'Print why each output is stale.'
complete -c 'imgmake' -n '__imgmake_should_offer_completions_for_flags_or_options "imgmake build" no-wait' -l 'no-wait' -d 'When another build of this tree is running, fail at once (exit 75) instead of waiting for it.'
complete -c 'imgmake' -n '__imgmake_should_offer_completions_for_flags_or_options "imgmake build" q quiet' -s 'q' -l 'quiet' -d 'Print only errors.'
complete -c 'imgmake' -n '__imgmake_should_offer_completions_for_flags_or_options "imgmake build" v verbose' -s 'v' -l 'verbose' -d 'Print more about each job.'
complete -c 'imgmake' -n '__imgmake_should_offer_completions_for_flags_or_options "imgmake build" shard' -l 'shard' -d 'Build only the per-input outputs in shard K of N (1-based); aggregate outputs are left for an unsharded run. auto: the shard the scheduler gave this job (GitLab CI, CircleCI, Buildkite, Slurm job arrays, Kubernetes Indexed Jobs).' -rfka ''
complete -c 'imgmake' -n '__imgmake_should_offer_completions_for_flags_or_options "imgmake build" shard-count' -l 'shard-count' -d 'With --shard auto: the number of shards, for a Kubernetes Indexed Job (its completions).' -rfka ''
complete -c 'imgmake' -n '__imgmake_should_offer_completions_for_flags_or_options "imgmake build" report' -l 'report' -d 'Write a JSON report of every output to FILE.' -rF
complete -c 'imgmake' -n '__imgmake_should_offer_completions_for_flags_or_options "imgmake build" junit' -l 'junit' -d 'Write a JUnit XML report (one test case per output) to FILE.' -rF
complete -c 'imgmake' -n '__imgmake_should_offer_completions_for_flags_or_options "imgmake build" trace' -l 'trace' -d 'Write a Chrome trace of the run to FILE (Perfetto, chrome://tracing): the phases, and each job on its worker.' -rF
complete -c 'imgmake' -n '__imgmake_should_offer_completions_for_positional "imgmake build" -ge 1' -fka '(__imgmake_custom_completion ---completion build -- positional@0 (count (__imgmake_tokens -pc)) (__imgmake_tokens -tC))'
complete -c 'imgmake' -n '__imgmake_should_offer_completions_for_flags_or_options "imgmake build" version' -l 'version' -d 'Show the version.'
complete -c 'imgmake' -n '__imgmake_should_offer_completions_for_flags_or_options "imgmake build" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'imgmake' -n '__imgmake_should_offer_completions_for_flags_or_options "imgmake shell" f file' -s 'f' -l 'file' -d 'Read FILE as the recipe.' -rF
complete -c 'imgmake' -n '__imgmake_should_offer_completions_for_flags_or_options "imgmake shell" C directory' -s 'C' -l 'directory' -d 'Change to DIR before doing anything.' -rfa '(__imgmake_complete_directories)'
complete -c 'imgmake' -n '__imgmake_should_offer_completions_for_flags_or_options "imgmake shell" max-pixels' -l 'max-pixels' -d 'Refuse images over N pixels, from their header (0: no limit).' -rfka ''
complete -c 'imgmake' -n '__imgmake_should_offer_completions_for_flags_or_options "imgmake shell" allow-outside' -l 'allow-outside' -d 'Allow outputs outside the recipe\'s directory tree.'
complete -c 'imgmake' -n '__imgmake_should_offer_completions_for_flags_or_options "imgmake shell" check' -l 'check' -d 'How inputs are compared: mtime (default) or hash (content, for CI caches and fresh clones).' -rfka 'mtime hash'
complete -c 'imgmake' -n '__imgmake_should_offer_completions_for_flags_or_options "imgmake shell" c' -s 'c' -d 'Run COMMANDS (separated by ; or newlines) and exit, as a script.' -rfka ''
complete -c 'imgmake' -n '__imgmake_should_offer_completions_for_flags_or_options "imgmake shell" version' -l 'version' -d 'Show the version.'
complete -c 'imgmake' -n '__imgmake_should_offer_completions_for_flags_or_options "imgmake shell" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'imgmake' -n '__imgmake_should_offer_completions_for_flags_or_options "imgmake list" f file' -s 'f' -l 'file' -d 'Read FILE as the recipe.' -rF
complete -c 'imgmake' -n '__imgmake_should_offer_completions_for_flags_or_options "imgmake list" C directory' -s 'C' -l 'directory' -d 'Change to DIR before doing anything.' -rfa '(__imgmake_complete_directories)'
complete -c 'imgmake' -n '__imgmake_should_offer_completions_for_flags_or_options "imgmake list" max-pixels' -l 'max-pixels' -d 'Refuse images over N pixels, from their header (0: no limit).' -rfka ''
complete -c 'imgmake' -n '__imgmake_should_offer_completions_for_flags_or_options "imgmake list" allow-outside' -l 'allow-outside' -d 'Allow outputs outside the recipe\'s directory tree.'
complete -c 'imgmake' -n '__imgmake_should_offer_completions_for_flags_or_options "imgmake list" check' -l 'check' -d 'How inputs are compared: mtime (default) or hash (content, for CI caches and fresh clones).' -rfka 'mtime hash'
complete -c 'imgmake' -n '__imgmake_should_offer_completions_for_flags_or_options "imgmake list" json' -l 'json' -d 'Print JSON, for scripts: every rule with its outputs (stale or not, and why), the groups.'
complete -c 'imgmake' -n '__imgmake_should_offer_completions_for_flags_or_options "imgmake list" version' -l 'version' -d 'Show the version.'
complete -c 'imgmake' -n '__imgmake_should_offer_completions_for_flags_or_options "imgmake list" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'imgmake' -n '__imgmake_should_offer_completions_for_flags_or_options "imgmake explain" f file' -s 'f' -l 'file' -d 'Read FILE as the recipe.' -rF
complete -c 'imgmake' -n '__imgmake_should_offer_completions_for_flags_or_options "imgmake explain" C directory' -s 'C' -l 'directory' -d 'Change to DIR before doing anything.' -rfa '(__imgmake_complete_directories)'
complete -c 'imgmake' -n '__imgmake_should_offer_completions_for_flags_or_options "imgmake explain" max-pixels' -l 'max-pixels' -d 'Refuse images over N pixels, from their header (0: no limit).' -rfka ''
complete -c 'imgmake' -n '__imgmake_should_offer_completions_for_flags_or_options "imgmake explain" allow-outside' -l 'allow-outside' -d 'Allow outputs outside the recipe\'s directory tree.'
complete -c 'imgmake' -n '__imgmake_should_offer_completions_for_flags_or_options "imgmake explain" check' -l 'check' -d 'How inputs are compared: mtime (default) or hash (content, for CI caches and fresh clones).' -rfka 'mtime hash'
complete -c 'imgmake' -n '__imgmake_should_offer_completions_for_positional "imgmake explain" -ge 1' -fka '(__imgmake_custom_completion ---completion explain -- positional@0 (count (__imgmake_tokens -pc)) (__imgmake_tokens -tC))'
complete -c 'imgmake' -n '__imgmake_should_offer_completions_for_flags_or_options "imgmake explain" json' -l 'json' -d 'Print JSON, for scripts: each output\'s rule, whether it is stale, and every reason.'
complete -c 'imgmake' -n '__imgmake_should_offer_completions_for_flags_or_options "imgmake explain" version' -l 'version' -d 'Show the version.'
complete -c 'imgmake' -n '__imgmake_should_offer_completions_for_flags_or_options "imgmake explain" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'imgmake' -n '__imgmake_should_offer_completions_for_flags_or_options "imgmake graph" f file' -s 'f' -l 'file' -d 'Read FILE as the recipe.' -rF
complete -c 'imgmake' -n '__imgmake_should_offer_completions_for_flags_or_options "imgmake graph" C directory' -s 'C' -l 'directory' -d 'Change to DIR before doing anything.' -rfa '(__imgmake_complete_directories)'
complete -c 'imgmake' -n '__imgmake_should_offer_completions_for_flags_or_options "imgmake graph" max-pixels' -l 'max-pixels' -d 'Refuse images over N pixels, from their header (0: no limit).' -rfka ''
complete -c 'imgmake' -n '__imgmake_should_offer_completions_for_flags_or_options "imgmake graph" allow-outside' -l 'allow-outside' -d 'Allow outputs outside the recipe\'s directory tree.'
complete -c 'imgmake' -n '__imgmake_should_offer_completions_for_flags_or_options "imgmake graph" check' -l 'check' -d 'How inputs are compared: mtime (default) or hash (content, for CI caches and fresh clones).' -rfka 'mtime hash'
complete -c 'imgmake' -n '__imgmake_should_offer_completions_for_flags_or_options "imgmake graph" rules' -l 'rules' -d 'One node per rule (and per folder of sources), not per file.'
complete -c 'imgmake' -n '__imgmake_should_offer_completions_for_positional "imgmake graph" -ge 1' -fka '(__imgmake_custom_completion ---completion graph -- positional@0 (count (__imgmake_tokens -pc)) (__imgmake_tokens -tC))'
complete -c 'imgmake' -n '__imgmake_should_offer_completions_for_flags_or_options "imgmake graph" version' -l 'version' -d 'Show the version.'
complete -c 'imgmake' -n '__imgmake_should_offer_completions_for_flags_or_options "imgmake graph" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'imgmake' -n '__imgmake_should_offer_completions_for_flags_or_options "imgmake clean" f file' -s 'f' -l 'file' -d 'Read FILE as the recipe.' -rF
complete -c 'imgmake' -n '__imgmake_should_offer_completions_for_flags_or_options "imgmake clean" C directory' -s 'C' -l 'directory' -d 'Change to DIR before doing anything.' -rfa '(__imgmake_complete_directories)'
complete -c 'imgmake' -n '__imgmake_should_offer_completions_for_flags_or_options "imgmake clean" max-pixels' -l 'max-pixels' -d 'Refuse images over N pixels, from their header (0: no limit).' -rfka ''
complete -c 'imgmake' -n '__imgmake_should_offer_completions_for_flags_or_options "imgmake clean" allow-outside' -l 'allow-outside' -d 'Allow outputs outside the recipe\'s directory tree.'
complete -c 'imgmake' -n '__imgmake_should_offer_completions_for_flags_or_options "imgmake clean" check' -l 'check' -d 'How inputs are compared: mtime (default) or hash (content, for CI caches and fresh clones).' -rfka 'mtime hash'
complete -c 'imgmake' -n '__imgmake_should_offer_completions_for_flags_or_options "imgmake clean" orphans' -l 'orphans' -d 'Remove files this recipe file\'s builds made that no rule of it makes now (never a source).'
complete -c 'imgmake' -n '__imgmake_should_offer_completions_for_flags_or_options "imgmake clean" dry-run n' -s 'n' -l 'dry-run' -d 'Show what would be removed; remove nothing.'
complete -c 'imgmake' -n '__imgmake_should_offer_completions_for_flags_or_options "imgmake clean" no-wait' -l 'no-wait' -d 'When another build of this tree is running, fail at once (exit 75) instead of waiting for it.'
complete -c 'imgmake' -n '__imgmake_should_offer_completions_for_positional "imgmake clean" -ge 1' -fka '(__imgmake_custom_completion ---completion clean -- positional@0 (count (__imgmake_tokens -pc)) (__imgmake_tokens -tC))'
complete -c 'imgmake' -n '__imgmake_should_offer_completions_for_flags_or_options "imgmake clean" version' -l 'version' -d 'Show the version.'
complete -c 'imgmake' -n '__imgmake_should_offer_completions_for_flags_or_options "imgmake clean" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'imgmake' -n '__imgmake_should_offer_completions_for_positional "imgmake ops" -eq 1' -fka '(__imgmake_custom_completion ---completion ops -- positional@0 (count (__imgmake_tokens -pc)) (__imgmake_tokens -tC))'
complete -c 'imgmake' -n '__imgmake_should_offer_completions_for_flags_or_options "imgmake ops" version' -l 'version' -d 'Show the version.'
complete -c 'imgmake' -n '__imgmake_should_offer_completions_for_flags_or_options "imgmake ops" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'imgmake' -n '__imgmake_should_offer_completions_for_flags_or_options "imgmake help" version' -l 'version' -d 'Show the version.'