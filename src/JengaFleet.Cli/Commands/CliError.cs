namespace JengaFleet.Cli.Commands;

/// <summary>How every command reports bad input: one unwrapped line on stderr (scripts can grep it) and exit code 2.</summary>
internal static class CliError
{
    public const int ExitCode = 2;

    public static int Report(string message)
    {
        Console.Error.WriteLine($"error: {message.ReplaceLineEndings(" ")}");
        return ExitCode;
    }
}
