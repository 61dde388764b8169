using System.Text.RegularExpressions;

namespace JengaFleet.Jenga.Cuda.Tests;

/// <summary>What <c>--ptxas-options=-v</c> printed for one kernel: registers and stack/spill bytes.</summary>
internal sealed record PtxasFunction(string Name, int Registers, int StackBytes, int SpillStores, int SpillLoads);

/// <summary>
/// Reads ptxas' verbose report from an NVRTC log (NVRTC 12.4; the log ends in two NULs):
/// <code>
/// ptxas info    : (C7515) Potential Performance Loss: wgmma.mma_async instructions are serialized due to ... in the function 'NAME'
/// ptxas info    : 0 bytes gmem
/// ptxas info    : Compiling entry function 'NAME' for 'sm_90a'
/// ptxas info    : Function properties for NAME
/// ptxas         .     0 bytes stack frame, 0 bytes spill stores, 0 bytes spill loads
/// ptxas info    : Used 168 registers
/// </code>
/// Performance warnings come first, before any function block, and some (C7508) name no function.
/// </summary>
internal static partial class PtxasReport
{
    /// <summary>The entry functions, by name.</summary>
    public static IReadOnlyDictionary<string, PtxasFunction> Parse(string log)
    {
        var functions = new Dictionary<string, PtxasFunction>(StringComparer.Ordinal);
        string? entry = null; // the entry function whose block we are in
        string? properties = null; // the function the next stack-frame line belongs to (an entry or a callee)
        (int Stack, int Stores, int Loads)? frame = null;
        foreach (var line in Lines(log))
        {
            if (EntryLine().Match(line) is { Success: true } e)
            {
                Close();
                entry = e.Groups[1].Value;
            }
            else if (PropertiesLine().Match(line) is { Success: true } p)
            {
                properties = p.Groups[1].Value;
            }
            else if (FrameLine().Match(line) is { Success: true } f && properties == entry)
            {
                frame = (Int(f, 1), Int(f, 2), Int(f, 3));
            }
            else if (RegistersLine().Match(line) is { Success: true } r && entry is not null)
            {
                if (frame is not { } x)
                    throw new FormatException($"ptxas reported registers of {entry} before its stack frame:\n{log}");
                functions[entry] = new PtxasFunction(entry, Int(r, 1), x.Stack, x.Stores, x.Loads);
            }
        }

        Close();
        return functions;

        void Close()
        {
            if (entry is not null && !functions.ContainsKey(entry))
                throw new FormatException($"the ptxas report of {entry} has no stack frame or register line:\n{log}");
            entry = properties = null;
            frame = null;
        }
    }

    /// <summary>
    /// Lines saying ptxas undid the Hopper kernel's design: wgmma serialized (C7509..C7515, "wgmma.mma_async
    /// instructions are serialized due to ...") or <c>setmaxnreg</c> ignored (C7508).
    /// </summary>
    public static IReadOnlyList<string> WgmmaWarnings(string log) =>
        Lines(log).Where(line =>
            line.Contains("(C7508)", StringComparison.Ordinal)
            || line.Contains("(C7513)", StringComparison.Ordinal)
            || line.Contains("instructions are serialized", StringComparison.Ordinal)).ToList();

    private static IEnumerable<string> Lines(string log) => log.Split('\n').Select(line => line.TrimEnd('\r', '\0'));

    private static int Int(Match match, int group) => int.Parse(match.Groups[group].Value);

    [GeneratedRegex(@"^ptxas info\s*: Compiling entry function '([^']+)'")]
    private static partial Regex EntryLine();

    [GeneratedRegex(@"^ptxas info\s*: Function properties for (\S+)")]
    private static partial Regex PropertiesLine();

    [GeneratedRegex(@"(\d+) bytes stack frame, (\d+) bytes spill stores, (\d+) bytes spill loads")]
    private static partial Regex FrameLine();

    [GeneratedRegex(@"^ptxas info\s*: Used (\d+) registers")]
    private static partial Regex RegistersLine();
}
