import ArgumentParser
import Foundation
import ImgmakeRecipe

/// Entry point of the `imgmake` executable: parses the command line, runs the command, and maps every
/// failure to the exit codes of SPEC §3 (2 for recipe and usage errors, 1 for failed jobs, 130 interrupted).
public enum ImgmakeMain {
    public static func run(_ arguments: [String] = Array(CommandLine.arguments.dropFirst())) -> Never {
        setvbuf(stdout, nil, _IOLBF, 0)
        do {
            var command = try ImgmakeCommand.parseAsRoot(ImgmakeCommand.subcommandFirst(arguments))
            try command.run()
            exit(0)
        } catch let error as RecipeErrors {
            FileHandle.standardError.write((error.description + "\n").data(using: .utf8)!)
            exit(2)
        } catch let error as RecipeError {
            FileHandle.standardError.write((error.description + "\n").data(using: .utf8)!)
            exit(2)
        } catch let error as UsageError {
            FileHandle.standardError.write("imgmake: error: \(error.description)\n".data(using: .utf8)!)
            exit(2)
        } catch let error as StateLock.Busy {
            FileHandle.standardError.write("imgmake: error: \(error.description)\n".data(using: .utf8)!)
            exit(75)
        } catch let error as StateLock.Interrupted {
            FileHandle.standardError.write("imgmake: \(error.description)\n".data(using: .utf8)!)
            exit(130)
        } catch let error as ExitCode {
            exit(error.rawValue)
        } catch {
            let code = ImgmakeCommand.exitCode(for: error)
            if code == .success {
                ImgmakeCommand.exit(withError: error)
            }
            let message = ImgmakeCommand.fullMessage(for: error)
            FileHandle.standardError.write((message + "\n").data(using: .utf8)!)
            exit(code == .validationFailure ? 2 : code.rawValue)
        }
    }
}
