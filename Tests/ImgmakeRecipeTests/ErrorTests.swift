import ImgmakeRecipe
import Testing

/// Every error the loader reports, with its exact `FILE:LINE:COLUMN`.
@Suite struct ErrorTests {
    @Test func undefinedVariableWithSuggestion() {
        #expect(
            describe(
                errors(
                    """
                    QUALITY = 80
                    r: out/{name}.jpg <- in/*.jpg
                        save Q=$(QUALTY) x=$(NOTHING_LIKE_IT)
                    """)) == [
                    "Imgmakefile:3:12: error: undefined variable 'QUALTY'\n    did you mean 'QUALITY'?",
                    "Imgmakefile:3:24: error: undefined variable 'NOTHING_LIKE_IT'",
                ])
    }

    @Test func variableSyntaxErrors() {
        #expect(
            describe(
                errors(
                    """
                    SIZE = 1
                    A = $(SIZE
                    B = ${SIZE} $x
                    C = $(a b) $
                    """)) == [
                    "Imgmakefile:2:5: error: unterminated '$(': expected ')'",
                    "Imgmakefile:3:5: error: '$' must be followed by '(NAME)', or doubled for a literal '$'\n    did you mean '$(SIZE)'?",
                    "Imgmakefile:3:13: error: '$' must be followed by '(NAME)', or doubled for a literal '$'",
                    "Imgmakefile:4:5: error: invalid variable name 'a b' in '$(...)'",
                    "Imgmakefile:4:12: error: '$' must be followed by '(NAME)', or doubled for a literal '$'",
                ])
    }

    @Test func aVariableThatFailedToExpandStillGetsDefined() {
        // One error for the typo, none for the later use of A.
        #expect(errors("A = $(TYPO)\nr: o/{name}.png <- $(A)*.png\n").count == 1)
    }

    @Test func headerErrors() {
        #expect(
            describe(
                errors(
                    """
                    my rule: out.png <- in.png
                    :x
                    r2 := 3
                    r3:
                    r4: a b <- c
                    r5: <- c
                    r6: a <-
                    r7: a <- b <- c
                    include
                    r8: "unterminated <- x
                    """)) == [
                    "Imgmakefile:1:4: error: expected ':' after rule name 'my'\n    a rule is 'NAME: OUTPUT <- INPUTS', a group 'NAME: TARGETS', a variable 'NAME = value'",
                    "Imgmakefile:2:1: error: expected a rule or group name, a variable assignment or 'include'",
                    "Imgmakefile:3:4: error: ':=' is not supported: write 'NAME = value'",
                    "Imgmakefile:4:4: error: expected '<-' or targets after 'r3:'",
                    "Imgmakefile:5:7: error: expected one output pattern before '<-'\n    quote a pattern that contains spaces",
                    "Imgmakefile:6:5: error: expected an output pattern before '<-'",
                    "Imgmakefile:7:9: error: expected at least one input glob after '<-'",
                    "Imgmakefile:8:12: error: a rule has only one '<-'",
                    "Imgmakefile:9:8: error: expected a file name after 'include'",
                    "Imgmakefile:10:5: error: unterminated string\n    add the closing '\"'",
                ])
    }

    @Test func namesStartWithALetterDigitOrUnderscore() {
        #expect(
            describe(errors("-x: a\n.y: b <- c\n_z: a\n")) == [
                "Imgmakefile:1:1: error: a rule or group name must start with a letter, a digit or '_'",
                "Imgmakefile:2:1: error: a rule or group name must start with a letter, a digit or '_'",
            ])
    }

    @Test func patternAndGlobErrorsPointInsideTheWord() {
        #expect(
            describe(
                errors(
                    """
                    r: out/{name.png <- in/[ab.jpg "x/{a,b"
                        op v="x}y" w={} z="a{b c}"
                    """)) == [
                    "Imgmakefile:1:8: error: output pattern: '{' without a closing '}' (write '{{' for a literal brace)",
                    "Imgmakefile:1:24: error: input glob: '[' without a closing ']' in glob (write '[[]' for a literal bracket)",
                    "Imgmakefile:1:35: error: input glob: '{' without a closing '}' in glob (write '\\{' for a literal brace)",
                    "Imgmakefile:2:12: error: argument value: '}' without an opening '{' (write '}}' for a literal brace)",
                    "Imgmakefile:2:18: error: argument value: empty placeholder '{}'",
                    "Imgmakefile:2:25: error: argument value: invalid placeholder name 'b c' (use letters, digits and '_')",
                ])
    }

    @Test func bodyErrors() {
        #expect(
            describe(
                errors(
                    """
                      orphan step
                    g: a b
                        step
                    r: o/{name}.png <- *.png
                        with
                        with w 1
                        with w =
                        with path = 1
                        with w = 1 2 1
                        with w = 1
                        with w = 2
                        "quoted" op
                        op =3
                        SIZE = 3
                        op width= 3
                        op a=1 =x
                        op a"b"=1 wid.th=2
                        op s="bad \\q escape"
                        op s="unterminated
                    """)) == [
                    "Imgmakefile:1:3: error: indented line is not part of a rule\n    only a rule's steps and 'with' lines are indented",
                    "Imgmakefile:3:5: error: group 'g' cannot have steps\n    a rule needs '<-' and input globs: 'NAME: OUTPUT <- INPUTS'",
                    "Imgmakefile:5:9: error: expected a name after 'with'\n    a matrix line is 'with NAME = VALUE...'",
                    "Imgmakefile:6:12: error: expected '=' after 'w'",
                    "Imgmakefile:7:13: error: expected at least one value for 'w'",
                    "Imgmakefile:8:10: error: 'path' is a built-in placeholder and cannot be a matrix name",
                    "Imgmakefile:9:18: error: value '1' appears twice in matrix 'w'",
                    "Imgmakefile:11:10: error: matrix 'w' is already defined at Imgmakefile:10:10",
                    "Imgmakefile:12:5: error: expected an operation name, found 'quoted'",
                    "Imgmakefile:13:5: error: variable assignments must start in column 1",
                    "Imgmakefile:14:5: error: variable assignments must start in column 1",
                    "Imgmakefile:15:14: error: expected a value after '='\n    write 'name=value' without spaces; \"\" is an empty string",
                    "Imgmakefile:16:12: error: unexpected '='\n    write 'name=value' without spaces",
                    "Imgmakefile:17:8: error: invalid argument name 'ab'\n    argument names use letters, digits, '_' and '-'",
                    "Imgmakefile:18:15: error: unknown escape '\\q' in a string\n    the escapes are \\\", \\\\, \\n and \\t",
                    "Imgmakefile:19:10: error: unterminated string\n    add the closing '\"'",
                ])
    }

    @Test func invalidArgumentNameAfterAValidOne() {
        #expect(
            describe(errors("r: o/{name}.png <- *.png\n    op a=1 wid.th=2\n")) == [
                "Imgmakefile:2:12: error: invalid argument name 'wid.th'\n    argument names use letters, digits, '_' and '-'"
            ])
    }

    @Test func duplicateNamesNameBothPlaces() {
        #expect(
            describe(errors("a: o/{name}.png <- *.png\ninclude b.imgmake\n", files: ["b.imgmake": "x: y\n\na: x\n    step\n"])) == [
                "b.imgmake:3:1: error: 'a' is already defined as a rule at Imgmakefile:1:1"
            ])
    }

    @Test func errorsInSeveralFilesAreAllReported() {
        let found = errors("x\ninclude b.imgmake\ny\n", files: ["b.imgmake": "z\n"])
        #expect(found.map { $0.location!.description } == ["Imgmakefile:1:2", "b.imgmake:1:2", "Imgmakefile:3:2"])
    }

    @Test func linesUnderABrokenHeaderAreSkippedQuietly() {
        #expect(errors("r: $(NOPE) <- x\n    op a=$(ALSO_NOPE)\n").count == 1)
    }
}
