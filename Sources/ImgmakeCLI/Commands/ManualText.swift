import ImgmakeCore

#if canImport(Glibc)
    import Glibc
#endif

/// The hand-written sections of a manual (`ManualPages` puts them around what it generates from the command
/// definitions), in man(7) roff. Lines that start with `.` are roff requests; a hyphen an option name or a command
/// needs is `\-`, a backslash `\e`.
struct ManualText {
    /// What one subcommand's page says besides its generated synopsis, arguments and options.
    struct Subcommand {
        /// Paragraphs after the command's abstract and discussion.
        var description: String
        var exitStatus: String
        var examples: String
        /// Pages besides the main one.
        var seeAlso: [(name: String, section: String)] = []
    }

    /// The main page's DESCRIPTION.
    var description = ""
    /// The main page's sections after its COMMANDS, before EXIT STATUS: titles and texts.
    var sections: [(title: String, text: String)] = []
    var exitStatus = ""
    var environment = ""
    var files = ""
    var examples = ""
    /// The main page's SEE ALSO, after the subcommands' pages.
    var seeAlso: [(name: String, section: String)] = []
    /// The subcommands' pages, by command name.
    var subcommands: [String: Subcommand] = [:]

    /// imgmake's: short, true summaries of the README's sections, which stay the contract. The exit statuses are
    /// `ExitStatus`'s own numbers.
    static let imgmake = ManualText(
        description: ImgmakeManual.description,
        sections: [("THE RECIPE LANGUAGE", ImgmakeManual.recipeLanguage), ("OUTPUT", ImgmakeManual.output)],
        exitStatus: ImgmakeManual.exitStatus, environment: ImgmakeManual.environment, files: ImgmakeManual.files,
        examples: ImgmakeManual.examples, seeAlso: [("make", "1"), ("ninja", "1"), ("vips", "1"), ("vipsthumbnail", "1")],
        subcommands: [
            "build": ImgmakeManual.build, "shell": ImgmakeManual.shell, "list": ImgmakeManual.list,
            "explain": ImgmakeManual.explain, "graph": ImgmakeManual.graph, "clean": ImgmakeManual.clean,
            "ops": ImgmakeManual.ops,
        ])
}

/// The texts of `ManualText.imgmake`.
private enum ImgmakeManual {
    typealias Subcommand = ManualText.Subcommand

    /// Lines of commands shown as typed, indented and not filled.
    private static func display(_ lines: String) -> String {
        ".RS 4\n.nf\n" + lines + (lines.hasSuffix("\n") ? "" : "\n") + ".fi\n.RE\n"
    }

    /// An EXAMPLES section: each caption, then its commands shown as typed; a paragraph between examples.
    private static func examples(_ examples: [(caption: String, commands: String)]) -> String {
        examples.map { $0.caption + "\n" + display($0.commands) }.joined(separator: ".PP\n")
    }

    /// imgmake(1)'s DESCRIPTION.
    static let description = #"""
        .B imgmake
        is a make\-style build tool for images.
        A recipe,
        .IR Imgmakefile ,
        maps input globs to output images through a list of libvips operations: thumbnails, responsive sizes,
        watermarks, contact sheets, format conversions.
        .B imgmake
        works out which outputs are stale, builds just those on all cores, and from then on rebuilds only what
        changed: a touched photo, an edited step, a photo added or removed.
        Recipes are checked against libvips' own introspection before anything runs, so a typo is a
        .I FILE:LINE:COLUMN
        error with a suggestion, not a failed job an hour in.
        .PP
        With no subcommand,
        .B imgmake
        builds (as
        .BR "imgmake build" ).
        A
        .I TARGET
        is a rule, a group, an output path or a folder (every output below it, with or without the slash); with no
        target, the first rule or group of the recipe is built.
        .I NAME=VALUE
        overrides a recipe variable; naming a variable the recipe neither defines nor uses is a warning with a
        "did you mean".
        Options and
        .I NAME=VALUE
        may also come before a subcommand, as with git or cargo
        .RB ( "imgmake \-C DIR list" );
        the first word that is not an option is a target, so
        .B imgmake \-C DIR \-j2 thumbs
        builds, and
        .B imgmake build list
        builds a target named list.
        .PP
        Jobs run on
        .B \-j
        threads in the imgmake process
        .RB ( "\-\-pool thread" ,
        the default) or in
        .B \-j
        worker processes
        .RB ( "\-\-pool process" ,
        the default when the address space or the cgroup's memory is limited): a worker that crashes or is killed
        fails only its job, and is replaced.
        Both give byte\-identical outputs.
        In the process pool (and for
        .I .jp2
        outputs, which the thread pool runs in a worker process) a job that for
        .B \-\-stall\-timeout
        seconds uses no CPU and reads or writes nothing is killed and fails.
        Each output is written to a hidden temporary file in its folder and renamed into place, so a crash, a
        .B kill \-9
        or Ctrl\-C never leaves a half\-written output; the next run removes what a killed run left.
        .PP
        One build of a tree runs at a time: a build (or
        .BR clean )
        holds
        .I .imgmake/lock
        from before it decides what is stale to after its last record.
        A second one waits for it and then builds only what is still stale; with
        .B \-\-no\-wait
        it exits 75 at once.
        .BR list ,
        .B explain
        and
        .B \-n
        read without the lock.
        .SS How staleness works
        An output is rebuilt when
        .IP \(bu 2
        it is missing, or it changed since imgmake built it (its size or modification time differ from the recorded
        ones);
        .IP \(bu 2
        an input changed: its recorded size or modification time (in nanoseconds) differ, whether it is now newer
        than the output or was replaced by an older file (a restored backup, a
        .BR "git checkout" );
        an input is the source, an
        .B @
        file, a
        .B python
        step's file or a
        .B run
        program in the tree, or any input of an aggregate;
        .IP \(bu 2
        its recipe changed: the rule's steps after expanding variables and placeholders, or the imgmake and libvips
        versions that matter to the pixels (editing a comment, or another rule, rebuilds nothing);
        .IP \(bu 2
        the input set of an aggregate changed (a file was added to or removed from its globs);
        .IP \(bu 2
        with
        .BR "\-\-check hash" ,
        an input's content (SHA\-256) differs from the content recorded when the output was built.
        .PP
        Everything else is up to date, and a no\-op run reads no pixels at all.
        .B \-\-explain
        and
        .B imgmake explain
        say which reason holds.
        Early cutoff (ninja's restat): an output rebuilt byte\-identical to the file it replaced does not rebuild
        what is made from it.
        Without
        .I .imgmake/
        only modification times decide (with a warning), and the outputs up to date by them are adopted.
        .SS In CI
        In CI, timestamps lie: a fresh clone stamps every file with the clone's time.
        .B \-\-check hash
        compares inputs by content with what was recorded, so with
        .I .imgmake/
        and the outputs restored from a cache a fresh clone rebuilds nothing that did not change.
        .B \-\-shard K/N
        builds only the per\-input outputs whose source falls in shard K of N (aggregates are left for a final,
        unsharded run; each shard writes its own
        .IR .imgmake/log.shard\-K\-of\-N ,
        so gathering the shards' trees is a plain copy);
        .B \-\-shard auto
        takes the shard from GitLab CI, CircleCI, Buildkite, a Slurm job array or a Kubernetes Indexed Job.
        .B \-\-report
        and
        .B \-\-junit
        write a JSON or JUnit report of every output.
        .B \-\-cache DIR
        and
        .B \-\-remote\-cache URL
        (a Bazel HTTP remote cache: nginx WebDAV, bazel\-remote) keep outputs under a key of their recipe and
        inputs' contents and reuse them in another tree or on another machine; nothing a remote cache does fails a
        build (each failure is a warning).

        """#

    /// imgmake(1)'s THE RECIPE LANGUAGE.
    static let recipeLanguage = #"""
        The recipe is
        .I Imgmakefile
        in the current directory
        .RB ( "\-f FILE"
        picks another).
        It is UTF\-8;
        .B #
        starts a comment.
        Paths in a recipe are relative to the folder of the file that names them.
        An example:
        .PP
        .RS 4
        .nf
        SIZE    = 320
        PHOTOS  = photos/**/*.jpg photos/**/*.png

        # The default target: the first rule or group in the file.
        all: thumbs responsive sheet

        thumbs: build/thumbs/{path}.webp <\- $(PHOTOS)
            thumbnail width=$(SIZE) height=$(SIZE) crop=attention
            sharpen sigma=0.5
            save Q=80 strip=true

        responsive: build/web/{path}\-{w}.{fmt} <\- $(PHOTOS)
            with w = 480 960
            with fmt = webp avif
            thumbnail width={w} size=down

        sheet: build/contact\-sheet.jpg <\- build/thumbs/**/*.webp
            arrayjoin across=4 shim=8 background=255
            save Q=85
        .fi
        .RE
        .TP
        .B Rules
        .IB NAME : " OUTPUT\-PATTERN " <\- " INPUT\-GLOB..."
        then one step per indented line.
        .TP
        .B Groups
        .IB NAME : " TARGET..."
        (no
        .BR <\- ).
        The first rule or group in the top file is the default target.
        .TP
        .B Variables
        .I NAME
        =
        .IR value ,
        used as
        .BR $( \fINAME\fB) .
        .B imgmake NAME=value
        on the command line overrides one.
        .B include
        .I FILE
        reads another recipe file (its path relative to the including file).
        .TP
        .B Globs
        .BR * ,
        .BR ? ,
        .BR [abc] ,
        .B {a,b}
        and
        .B **
        .RB ( photos/**/*.jpg
        matches photos/a.jpg and photos/x/y/b.jpg).
        A glob's base is its leading part without wildcards (photos/).
        Globs match case:
        .B *.jpg
        does not match IMG_0001.JPG.
        A glob that starts with
        .BR (?i) ,
        as in regular expressions, matches letters in either case past its base
        .RB ( (?i)photos/**/*.{jpg,jpeg}
        matches photos/IMG_0001.JPG; the base folder is read as written).
        Hidden files and folders are skipped, and so are FIFOs, devices, dangling links and names that are not
        valid UTF\-8 (with a warning).
        A glob also matches the outputs of other rules, even before they exist: that makes a chain, and imgmake
        orders the rules.
        A glob that matches nothing is a warning.
        .TP
        .B Placeholders
        in output patterns and step arguments:
        .B {path}
        the input's path below the glob base without extension,
        .B {name}
        the file name without extension,
        .B {dir}
        the folder below the base (may be empty),
        .B {ext}
        the extension,
        .BI { NAME }
        a
        .B with
        value.
        .TP
        .B Matrices
        each
        .B with
        .I NAME
        =
        .I VALUE...
        line multiplies the outputs of every input.
        .TP
        .B Aggregates
        an output pattern with no placeholder makes one output from all matched inputs, sorted by path; the first
        step receives them as an array of images
        .RB ( arrayjoin ,
        .BR bandjoin ,
        .BR composite ).
        .TP
        .B Steps
        are libvips operations by their nickname
        .RB ( "imgmake ops"
        lists them) with
        .I name=value
        arguments; bare values fill the required non\-image arguments in order
        .RB ( "rotate 90" ).
        Each step's first image input is the previous step's output; the first step gets the source (as its
        filename when it has one, so
        .B thumbnail
        shrinks on load).
        .B load
        .I OPTIONS
        (first) passes loader options;
        .B save
        .I OPTIONS
        (last, implicit when missing) writes with the saver the output's extension picks (.jpg .png .webp .avif
        .\" The line above ends in an extension list: roff takes no line that starts with a period as text.
        \&.heic .tif .gif .jxl .jp2 and more).
        .B save strip=true
        writes no metadata (EXIF, XMP, IPTC, ICC profile, comments) whatever the format.
        A rule whose first step is
        .B thumbnail
        runs imgmake's own box shrink and exact Lanczos\-3 resize
        .RB ( libvips=true :
        libvips' own).
        .TP
        .B Your own code
        .B run
        .I PROGRAM ARG...
        runs a command per output (argv words, never a shell;
        .B {in}
        the source,
        .B {out}
        the file to write,
        .B {inputs}
        every source);
        .B python
        .IR FILE : FUNCTION
        .I NAME=VALUE...
        calls
        .IB FUNCTION "(src, dst, **args)"
        in persistent worker processes;
        .B worker
        .I PROGRAM ARG...
        runs a worker program in any language that reads JSON requests on file descriptor 3 and writes replies on
        descriptor 4 (it gets
        .B IMGMAKE_WORKER_PROTOCOL=1
        in its environment).
        A rule is either libvips steps or one such step.
        .TP
        .B Values
        numbers,
        .BR true / false ,
        enum nicks
        .RB ( attention ),
        strings
        .RB ( """with spaces""" ),
        arrays
        .RB ( 1,2,3 ),
        images
        .RB ( @path ,
        an input of every output of the rule;
        .B @"my logo.png"
        when the path has spaces).
        .TP
        .B Checks
        before anything runs: unknown operations, arguments, variables and placeholders (with a "did you mean"),
        missing arguments, values of the wrong type, cycles between rules, a rule whose glob can match its own
        outputs, two rules or inputs that make the same output, extensions no saver handles, outputs outside the
        recipe's folder.
        Every error names
        .IR FILE:LINE:COLUMN ,
        exits 2, and nothing is built.

        """#

    /// imgmake(1)'s OUTPUT.
    static let output = #"""
        On a terminal imgmake redraws one status line, with the rate and the time the rest take at it
        .RB ( "[37/120] 12.4 img/s ETA 0:07 thumbs build/thumbs/a.webp" );
        elsewhere (a pipe, a file, CI, and a terminal with
        .BR TERM=dumb )
        it prints one line per finished job.
        A summary closes every build
        .RB ( "340 built, 2 failed, 1200 up to date in 12.3 s" ).
        Errors go to standard error, naming the output, the input, the step and libvips' message; an error that
        ends imgmake is one line
        .B imgmake: error: ...
        (a recipe error is
        .B FILE:LINE:COLUMN: error: ...
        and its notes).
        Under GitHub Actions recipe errors and failed jobs are also printed as
        .B ::error
        annotations on the recipe's lines, and each build appends a Markdown job summary to
        .BR $GITHUB_STEP_SUMMARY .

        """#

    /// imgmake(1)'s and imgmake\-build(1)'s EXIT STATUS.
    static let exitStatus = #"""
        .TP
        .B \#(ExitStatus.success.code)
        All good.
        .TP
        .B \#(ExitStatus.failure.code)
        A job failed (or something else did that is not a mistake in the recipe or the command: a file
        .B clean
        cannot remove).
        .TP
        .B \#(ExitStatus.usage.code)
        A recipe or usage error; nothing was built.
        .TP
        .B \#(ExitStatus.noThread.code)
        The system refused a thread imgmake needs (a thread or memory limit), or libvips cannot be loaded.
        .TP
        .B \#(ExitStatus.notWritten.code)
        Every job succeeded but the build state could not be saved
        .RI ( .imgmake/
        full, read\-only or not a folder: the next run builds the unrecorded outputs again), or a
        .BR \-\-report / \-\-junit
        file could not be written.
        .TP
        .B \#(ExitStatus.busy.code)
        Another build of the tree is running and
        .B \-\-no\-wait
        was given.
        .TP
        \fB128\fR + \fIN\fR
        Interrupted by signal
        .IR N :
        \#(ExitStatus.interrupted(signal: SIGINT).code) Ctrl\-C (SIGINT),
        \#(ExitStatus.interrupted(signal: SIGTERM).code) SIGTERM,
        \#(ExitStatus.interrupted(signal: SIGHUP).code) SIGHUP,
        \#(ExitStatus.interrupted(signal: SIGPIPE).code) a closed pipe on standard output or standard error.
        No new job starts, running ones end, and no temporary file is left.
        .PP
        With
        .BR \-\-question :
        \#(ExitStatus.success.code) when every target is up to date,
        \#(ExitStatus.failure.code) when something is stale,
        \#(ExitStatus.usage.code) on any error.

        """#

    /// imgmake(1)'s ENVIRONMENT: only the variables imgmake reads.
    static let environment = #"""
        .TP
        .B IMGMAKE_CACHE
        The shared cache folder when
        .B \-\-cache
        is not given.
        .TP
        .B IMGMAKE_REMOTE_CACHE
        The remote cache's URL when
        .B \-\-remote\-cache
        is not given (empty: none; a value that is no http:// or https:// URL is a warning, and none).
        .TP
        .B IMGMAKE_REMOTE_CACHE_READ_ONLY
        .BR true ,
        .B 1
        or
        .BR yes :
        as
        .BR \-\-remote\-cache\-read\-only .
        .TP
        .B GITHUB_ACTIONS
        .BR true :
        recipe errors and failed jobs are also printed as
        .B ::error
        annotations on standard output, and each build appends a Markdown job summary to
        .BR GITHUB_STEP_SUMMARY .
        .TP
        .B GITHUB_WORKSPACE
        The folder the annotations' file names are relative to.
        .TP
        .B GITHUB_STEP_SUMMARY
        The file the job summary is appended to (not with
        .BR \-\-question ).
        .TP
        .B TERM
        .BR dumb :
        one line per finished job instead of the redrawn status line.
        .TP
        .B MAKEFLAGS
        Under
        .BR "make \-j" ,
        its jobserver
        .RB ( \-\-jobserver\-auth=fifo:PATH ,
        or the pipe form of make 4.3, passed to recipe lines marked
        .BR + ):
        imgmake runs one job on its own token and one more per token it takes, and gives every token back, so that
        the whole make runs no more than its
        .B \-j
        jobs; not used when
        .B \-j
        is given to imgmake itself.
        .TP
        \fBCI_NODE_INDEX\fR, \fBCI_NODE_TOTAL\fR, \fBCIRCLE_NODE_INDEX\fR, \fBCIRCLE_NODE_TOTAL\fR, \fBBUILDKITE_PARALLEL_JOB\fR, \fBBUILDKITE_PARALLEL_JOB_COUNT\fR, \fBSLURM_ARRAY_TASK_ID\fR, \fBSLURM_ARRAY_TASK_MIN\fR, \fBSLURM_ARRAY_TASK_STEP\fR, \fBSLURM_ARRAY_TASK_COUNT\fR, \fBJOB_COMPLETION_INDEX\fR
        The shard of
        .B \-\-shard auto
        (GitLab CI, CircleCI, Buildkite, Slurm job arrays, Kubernetes Indexed Jobs, looked for in that order).
        .TP
        \fBXDG_CACHE_HOME\fR, \fBHOME\fR
        Where
        .B \-\-version
        keeps its answers:
        .IR $XDG_CACHE_HOME/imgmake/version ,
        else
        .IR ~/.cache/imgmake/version .
        .TP
        .B PATH
        Where a
        .B run
        or
        .B worker
        program without a slash, and
        .B python3
        (unless the recipe sets
        .BR PYTHON ),
        are looked up.
        .TP
        .B LD_LIBRARY_PATH
        Searched for libvips before the system folders (libvips is loaded when a build first runs a job).
        .TP
        .B SWIFT_BACKTRACE
        Passed to worker processes, whose crash backtraces are off unless it is set
        .RB ( SWIFT_BACKTRACE=enable=yes ).

        """#

    /// imgmake(1)'s FILES.
    static let files = #"""
        .TP
        .I Imgmakefile
        The recipe in the current directory (or the one
        .B \-C
        changes to), unless
        .B \-f
        names another.
        .TP
        .I .imgmake/
        The build state, beside the top recipe file (add it and the output folders to
        .IR .gitignore ).
        Recipe files in one folder share it; each record names the recipe file that built its output.
        .TP
        .I .imgmake/snapshot
        Every record, in a binary file read in place.
        .TP
        .I .imgmake/log
        The append\-only journal: one checksummed line per built output since the snapshot, folded into a new
        snapshot when it grows.
        .TP
        .I .imgmake/log.shard\-K\-of\-N
        The journal of a
        .B \-\-shard K/N
        run, read with the others, so that the shards' folders copied together need no merge.
        .TP
        .I .imgmake/lock
        Held by a build or
        .B clean
        (one at a time); it names the holder's process ID.
        .TP
        .I .imgmake/recipes
        The steps each recorded fingerprint stood for (one JSON line each;
        .I recipes.shard\-K\-of\-N
        for a shard), so that a rebuild for a changed recipe can say what changed
        .RB ( "thumbnail width 200 \(-> 120" ).
        .TP
        .I .imgmake/writing
        There while jobs run; the next run then looks for a killed run's temporary files.
        .TP
        .I .imgmake/history
        The shell's history.
        .TP
        .I .imgmake/catalog.json
        The answers about libvips' operations and savers the recipe needed, so that a run with nothing to build
        does not load libvips; checked against libvips whenever jobs run.
        .TP
        .I ~/.cache/imgmake/version
        What
        .B \-\-version
        said about a libvips library file
        .RI ( $XDG_CACHE_HOME/imgmake/version
        when that is set).
        .TP
        .I .NAME.imgmake\-PID\-START\-N.tmp
        A job's temporary output, in the output's folder, renamed into place when the job succeeds.

        """#

    /// imgmake(1)'s EXAMPLES.
    static let examples = examples([
        ("Build the default target on 8 cores, then only what changed:", #"imgmake \-j8"#),
        ("Build one rule of another folder's recipe with a variable overridden:", #"imgmake \-C recipes/demo thumbs SIZE=240"#),
        ("Say what would be built, and why, without building:", #"imgmake \-n \-\-explain"#),
        ("Fail a CI step or a pre\\-commit hook when outputs are stale:", #"imgmake \-\-question || echo "outputs are stale""#),
        (
            "One shard of three in CI, with content checks, a JUnit report and a remote cache; then, with the shards' trees gathered, the rest:",
            #"""
            export IMGMAKE_REMOTE_CACHE=http://cache.internal:8080
            imgmake \-\-check hash \-\-shard 2/3 \-\-junit junit\-2.xml thumbs
            imgmake \-\-check hash \-\-report report.json thumbs sheet
            """#
        ),
        (
            "Why an output is stale, the graph as SVG, and the outputs no rule makes any more (listed, not removed):",
            #"""
            imgmake explain build/thumbs/rocket.webp
            imgmake graph | dot \-Tsvg > graph.svg
            imgmake clean \-\-orphans \-n
            """#
        ),
    ])

    static let build = Subcommand(
        description: #"""
            .B imgmake build
            is what
            .B imgmake
            does with no subcommand; name it to build a target named like a subcommand
            .RB ( "imgmake build list" ).
            A
            .I TARGET
            is a rule, a group, an output path or a folder (every output below it); with none, the first rule or group
            of the recipe.
            A source named as a target is a usage error that names the rules reading it and the outputs it makes.
            .I NAME=VALUE
            words override recipe variables.
            .PP
            A failed job stops new jobs (running ones end) unless
            .BR \-k ;
            what is made from a failed output is skipped.
            Ctrl\-C, SIGTERM and SIGHUP stop a build cleanly: no new jobs, running ones end, no temporary is left.

            """#,
        exitStatus: exitStatus,
        examples: display(
            #"""
            imgmake build \-j8 thumbs SIZE=320
            imgmake build build/thumbs/2024/
            imgmake build \-\-pool process \-\-job\-timeout 60 \-k
            """#),
        seeAlso: [("make", "1"), ("ninja", "1")])

    static let shell = Subcommand(
        description: #"""
            .B imgmake shell
            opens a GNU readline prompt over the recipe, to explore it, try an operation, and rebuild while you edit.
            Every command sees the files as they are now: edit the recipe in another window, and the next command uses
            it (read\-only commands go on with the last good recipe while it has an error;
            .B build
            and
            .B clean
            wait until it is fixed).
            Its commands:
            .TP
            \fBbuild\fR [\fITARGET\fR...] [\fB\-j\fR \fIN\fR] [\fB\-\-pool\fR \fIP\fR] [\fB\-n\fR] [\fB\-k\fR] [\fB\-B\fR] [\fB\-\-explain\fR] [\fB\-\-no\-wait\fR] [\fB\-q\fR] [\fB\-v\fR]
            Build, with the same options as
            .BR imgmake .
            .TP
            \fBstatus\fR [\fITARGET\fR...]
            The stale outputs, per rule, and why.
            .TP
            \fBexplain\fR \fIOUTPUT\fR...
            Why each output is stale, or that it is up to date.
            .TP
            .B list
            Rules and groups, with counts of outputs and stale ones.
            .TP
            \fBshow\fR \fIRULE\fR|\fIGROUP\fR|\fIOUTPUT\fR
            A rule's steps, globs and outputs (or an output's inputs and status).
            .TP
            \fBops\fR [\fIFILTER\fR], \fBhelp\fR [\fICOMMAND\fR|\fISTEP\fR|\fIOPERATION\fR [\fIARGUMENT\fR]]
            libvips operations; the shell's commands; the steps that are no operation
            .RB ( load ", " save ", " run ", " python ", " worker ).
            .TP
            \fBinfo\fR \fIIMAGE\fR...
            An image's header facts and metadata.
            .TP
            \fBtry\fR \fISTEP\fR [| \fISTEP\fR]... \fBon\fR \fIIMAGE\fR [\fBas\fR \fIEXT\fR], \fBtry\fR \fIIMAGE\fR | \fISTEP\fR..., \fBtry\fR \fIRULE\fR \fBon\fR \fIIMAGE\fR
            Run steps (written and checked as in a rule), or a rule's steps, on one image, with the build's own code;
            print the result's size, bands, format, bytes and time. The result is
            .BR _ ,
            in a temporary file removed when the shell ends.
            .TP
            \fBsave _\fR \fIPATH\fR, \fBpreview\fR \fIIMAGE\fR|\fIOUTPUT\fR|\fB_\fR, \fBcompare\fR \fIA B\fR
            Keep the last result; draw an image in the terminal (kitty, iTerm2 or sixel graphics when the terminal
            says it has them, else 24\-bit colour half blocks); draw two side by side with their PSNR and largest
            sample difference.
            .TP
            \fBadd\fR \fIRULE\fR [\fIOUTPUT\-PATTERN\fR \fB<\-\fR \fIGLOB\fR...]
            Write the last tried steps at the end of the recipe file as a new rule (asking for the pattern and glob
            when they are not given), then load the recipe again.
            .TP
            \fBset jobs\fR \fIN\fR, \fBset pool thread\fR|\fBprocess\fR, \fBset check mtime\fR|\fBhash\fR, \fBset preview on\fR|\fBoff\fR, \fBset\fR \fINAME VALUE\fR, \fBunset\fR \fINAME\fR, \fBset\fR
            Defaults for
            .B \-j
            and
            .BR \-\-pool ;
            .B \-\-check
            for the commands that follow; whether each
            .B try
            result is drawn; recipe variables.
            .TP
            \fBreload\fR, \fBclean\fR [\fITARGET\fR...] [\fB\-\-orphans\fR] [\fB\-n\fR], \fBhistory\fR
            Read the recipe again; remove outputs; the history.
            .TP
            \fBwatch\fR [\fITARGET\fR...]
            Build, then rebuild whatever a change makes stale until Ctrl\-C.
            .TP
            \fBquit\fR, \fBexit\fR, Ctrl\-D
            Leave.
            .PP
            Tab completes command names, targets (one folder at a time), operation and argument names, file names,
            options and their values.
            Ctrl\-C during a build cancels it and returns to the prompt; at the prompt it clears the line.
            SIGTERM and SIGHUP cancel a build the same way, then end the shell.
            The history is kept in
            .I .imgmake/history
            beside the recipe (with no recipe, for the session only: nothing is written).
            With
            .B \-c
            or commands on standard input (one per line or separated by
            .BR ; ,
            .B #
            comments) the shell runs them with no prompt.

            """#,
        exitStatus: #"""
            \#(ExitStatus.success.code) when every command succeeded; otherwise the status of
            .B imgmake
            for the failure:
            \#(ExitStatus.failure.code) a job failed,
            \#(ExitStatus.usage.code) a usage or recipe error,
            \#(ExitStatus.notWritten.code) the build state or a report could not be saved,
            \#(ExitStatus.busy.code) another build holds the lock
            .RB ( "build \-\-no\-wait" ),
            \#(ExitStatus.interrupted(signal: SIGINT).code) interrupted
            (\#(ExitStatus.interrupted(signal: SIGTERM).code) SIGTERM, \#(ExitStatus.interrupted(signal: SIGHUP).code) SIGHUP).

            """#,
        examples: display(
            #"""
            cd recipes/demo && imgmake shell
            imgmake shell \-c 'build thumbs; status'
            imgmake shell < script
            """#),
        seeAlso: [("readline", "3")])

    /// `list`, `explain` and `graph` read the recipe and build nothing: 0, or a recipe or usage error.
    private static let readOnlyExitStatus = #"""
        \#(ExitStatus.success.code) on success,
        \#(ExitStatus.usage.code) on a recipe or usage error,
        \#(ExitStatus.noThread.code) when a thread cannot be started or libvips cannot be loaded.

        """#

    static let list = Subcommand(
        description: #"""
            Each rule is listed with its output pattern and its counts of outputs and stale ones.
            .B \-\-json
            prints the facts for scripts: each rule with its location, output pattern, globs and every output (whether
            it is stale, and its first reason), and the groups.
            It reads without the lock.

            """#,
        exitStatus: readOnlyExitStatus,
        examples: display(
            #"""
            imgmake list
            imgmake \-C recipes/demo list \-\-json
            """#))

    static let explain = Subcommand(
        description: #"""
            The reasons are those of
            .BR imgmake (1)'s
            "How staleness works": the output is missing or changed since it was built, an input changed, its recipe
            changed, an aggregate's input set changed, or (with
            .BR "\-\-check hash" )
            an input's content changed.
            A rule or group stands for its outputs.
            A source says what it is: which rules read it and which outputs it makes.
            .B \-\-json
            prints each output with its rule and all its reasons, and each source with the rules that read it.

            """#,
        exitStatus: readOnlyExitStatus,
        examples: display(
            #"""
            imgmake explain build/thumbs/rocket.webp
            imgmake explain \-\-check hash thumbs
            """#))

    static let graph = Subcommand(
        description: #"""
            The graph as
            .B ninja \-t graph
            prints it: every file a node, the outputs in a cluster per rule, an arrow from each input.
            .B \-\-rules
            draws one node per rule (and per folder of sources) instead; targets narrow it to what they need.

            """#,
        exitStatus: readOnlyExitStatus,
        examples: display(
            #"""
            imgmake graph | dot \-Tsvg > graph.svg
            imgmake graph \-\-rules sheet | dot \-Tpng > rules.png
            """#),
        seeAlso: [("dot", "1"), ("ninja", "1")])

    static let clean = Subcommand(
        description: #"""
            What is removed is a file imgmake built or that a rule's outputs name, never a source (a file that an input
            glob matches and no output pattern covers).
            .B \-\-orphans
            removes what this recipe file's builds made that no current rule makes any more: after you delete a photo,
            its thumbnail goes.
            Recipe files in one folder share
            .IR .imgmake/ ,
            and each record says which one built its output, so
            .B clean \-f web.imgmake \-\-orphans
            never touches what
            .I Imgmakefile
            built.
            A file changed since imgmake wrote it is not imgmake's any more:
            .B \-\-orphans
            keeps it and drops its record.
            .B clean
            holds the build lock, as a build does.

            """#,
        exitStatus: #"""
            \#(ExitStatus.success.code) on success,
            \#(ExitStatus.failure.code) when a file cannot be removed,
            \#(ExitStatus.usage.code) on a recipe or usage error,
            \#(ExitStatus.busy.code) when another build of the tree is running and
            .B \-\-no\-wait
            was given.

            """#,
        examples: display(
            #"""
            imgmake clean thumbs
            imgmake clean \-\-orphans \-n
            """#))

    static let ops = Subcommand(
        description: #"""
            With no argument, or text to filter by, the libvips operations a step can name, with their summaries.
            With an operation's name, its arguments: name, type, whether it is required, and what it does; a step
            gives them as
            .IR name=value .
            \fBrun\fR, \fBpython\fR and \fBworker\fR
            show imgmake's own steps for your code.
            This loads libvips.

            """#,
        exitStatus: #"""
            \#(ExitStatus.success.code) on success,
            \#(ExitStatus.usage.code) when no operation matches,
            \#(ExitStatus.noThread.code) when libvips cannot be loaded.

            """#,
        examples: display(
            #"""
            imgmake ops blur
            imgmake ops thumbnail
            imgmake ops python
            """#),
        seeAlso: [("vips", "1")])
}
