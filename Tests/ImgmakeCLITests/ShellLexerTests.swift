import ImgmakeJob
import ImgmakeRecipe
import ImgmakeTestSupport
import Testing

@testable import ImgmakeCLI
@testable import ImgmakeCore

/// How the shell splits a line into commands and words (`;`, quotes, escapes, comments).
@Suite struct ShellLexerTests {
    @Test func semicolonsSeparateCommands() throws {
        #expect(try ShellLexer.commands("build thumbs -j2; status") == [["build", "thumbs", "-j2"], ["status"]])
        #expect(try ShellLexer.commands("list;status;;  ; quit") == [["list"], ["status"], ["quit"]])
        #expect(try ShellLexer.commands("list\nstatus\n") == [["list"], ["status"]])
    }

    @Test func quotesKeepSemicolonsAndBlanks() throws {
        #expect(try ShellLexer.commands(#"info "my photo;1.jpg"; list"#) == [["info", "my photo;1.jpg"], ["list"]])
        #expect(try ShellLexer.commands("set TITLE 'a \"quoted\" title'") == [["set", "TITLE", "a \"quoted\" title"]])
        #expect(try ShellLexer.commands(#"info "say \"hi\".jpg""#) == [["info", "say \"hi\".jpg"]])
        #expect(try ShellLexer.commands(#"info "back\slash""#) == [["info", "back\\slash"]])
        #expect(try ShellLexer.commands("set EMPTY ''") == [["set", "EMPTY", ""]])
        #expect(try ShellLexer.commands("info ph'ot'os/a.jpg") == [["info", "photos/a.jpg"]])
    }

    @Test func backslashEscapes() throws {
        #expect(try ShellLexer.commands(#"info my\ photo.jpg\;x"#) == [["info", "my photo.jpg;x"]])
    }

    @Test func commentsRunToTheEndOfTheLine() throws {
        #expect(
            try ShellLexer.commands("# set up\nbuild thumbs # the thumbnails; not a command\nstatus") == [["build", "thumbs"], ["status"]])
        #expect(try ShellLexer.commands("info a#b.jpg") == [["info", "a#b.jpg"]])
    }

    @Test func unterminatedQuoteIsAnError() {
        #expect(throws: ShellLexer.SyntaxError.self) { try ShellLexer.commands("info \"photos/a.jpg") }
        #expect(throws: ShellLexer.SyntaxError.self) { try ShellLexer.commands("info 'a") }
    }

    @Test func partialWordAtTheCursor() {
        #expect(ShellLexer.partial("") == ([], ""))
        #expect(ShellLexer.partial("bu") == ([], "bu"))
        #expect(ShellLexer.partial("build th") == (["build"], "th"))
        #expect(ShellLexer.partial("build thumbs ") == (["build", "thumbs"], ""))
        #expect(ShellLexer.partial("status; build --pool t") == (["build", "--pool"], "t"))
        #expect(ShellLexer.partial("info \"my ph") == (["info"], "my ph"))
        #expect(ShellLexer.partial("info 'my photos'/") == (["info"], "my photos/"))
    }

    @Test func quotingRoundTrips() throws {
        for word in ["plain", "two words", "it's", "a;b", "", "$x", "tab\there"] {
            #expect(try ShellLexer.commands("info " + ShellLexer.quote(word)) == [["info", word]])
        }
    }
}
