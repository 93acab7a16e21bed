import ImgmakeCore
import ArgumentParser
import CReadline
import Foundation
import ImgmakeRecipe

/// Entry point of the `imgmake` executable: parses the command line, runs the command, and maps every
/// failure to the exit codes of the README (2 for recipe and usage errors, 1 for failed jobs, 128 + the signal
/// when interrupted, 71 when the system refuses a thread).
public enum ImgmakeMain {
    public static func run(_ arguments: [String] = Array(CommandLine.arguments.dropFirst())) -> Never {
        setvbuf(imgmake_stdout(), nil, _IOLBF, 0)
        // A closed pipe on stdout or stderr is an EPIPE from write, not a silent death (StandardOutput).
        signal(SIGPIPE, SIG_IGN)
        do {
            var command = try ImgmakeCommand.parseAsRoot(ImgmakeCommand.subcommandFirst(arguments))
            try command.run()
            exit(0)
        } catch let error as RecipeErrors {
            StandardOutput.error(error.description + "\n")
            exit(2)
        } catch let error as RecipeError {
            StandardOutput.error(error.description + "\n")
            exit(2)
        } catch let error as UsageError {
            StandardOutput.error("imgmake: error: \(error.description)\n")
            exit(2)
        } catch let error as StateLock.Busy {
            StandardOutput.error("imgmake: error: \(error.description)\n")
            exit(75)
        } catch let error as StateLock.Interrupted {
            StandardOutput.error("imgmake: \(error.description)\n")
            exit(InterruptHandler.exitCode(for: InterruptHandler.shared.signal))
        } catch let error as ThreadStartError {
            StandardOutput.error("imgmake: error: \(error.description)\n")
            exit(ThreadStartError.exitCode)
        } catch let error as ExitCode {
            exit(error.rawValue)
        } catch {
            let code = ImgmakeCommand.exitCode(for: error)
            if code == .success {
                ImgmakeCommand.exit(withError: error)
            }
            let message = ImgmakeCommand.fullMessage(for: error)
            StandardOutput.error(message + "\n")
            exit(code == .validationFailure ? 2 : code.rawValue)
        }
    }
}
