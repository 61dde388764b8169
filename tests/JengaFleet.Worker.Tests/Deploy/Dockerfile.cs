using System.Text.RegularExpressions;

namespace JengaFleet.Worker.Tests.Deploy;

/// <summary>A Dockerfile as instructions (continuation lines joined, comments dropped), with ARG defaults for FROM.</summary>
internal sealed partial class Dockerfile
{
    public sealed record Instruction(string Keyword, string Arguments);

    public required IReadOnlyList<Instruction> Instructions { get; init; }

    public static Dockerfile Parse(string text)
    {
        var instructions = new List<Instruction>();
        var current = "";
        foreach (var raw in text.Split('\n'))
        {
            var line = raw.TrimEnd('\r');
            if (current.Length == 0 && (line.TrimStart().StartsWith('#') || line.Trim().Length == 0))
                continue;
            if (line.TrimStart().StartsWith('#'))
                continue; // a comment inside a continued instruction
            if (line.EndsWith('\\'))
            {
                current += line[..^1] + " ";
                continue;
            }

            current += line;
            var trimmed = current.Trim();
            var space = trimmed.IndexOf(' ');
            instructions.Add(new Instruction(trimmed[..space].ToUpperInvariant(), Spaces().Replace(trimmed[(space + 1)..], " ").Trim()));
            current = "";
        }

        return new Dockerfile { Instructions = instructions };
    }

    /// <summary>The instructions after the last FROM.</summary>
    public IEnumerable<Instruction> FinalStage() => Instructions.Skip(Instructions.ToList().FindLastIndex(i => i.Keyword == "FROM"));

    /// <summary>Replaces ${NAME} with the default of a global ARG (those before the first FROM).</summary>
    public string Resolve(string value)
    {
        var args = Instructions.TakeWhile(i => i.Keyword != "FROM").Where(i => i.Keyword == "ARG")
            .Select(i => i.Arguments.Split('=', 2)).Where(p => p.Length == 2).ToDictionary(p => p[0], p => p[1]);
        return Reference().Replace(value, m => args.TryGetValue(m.Groups[1].Value, out var v) ? v : m.Value);
    }

    /// <summary>NAME=value pairs of an ENV instruction (the "ENV NAME value" form as one pair).</summary>
    public static IEnumerable<KeyValuePair<string, string>> EnvPairs(string arguments)
    {
        if (!arguments.Split(' ')[0].Contains('='))
        {
            var space = arguments.IndexOf(' ');
            yield return new(arguments[..space], arguments[(space + 1)..]);
            yield break;
        }

        foreach (var pair in arguments.Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            var parts = pair.Split('=', 2);
            yield return new(parts[0], parts[1].Trim('"'));
        }
    }

    [GeneratedRegex(@"\s+")]
    private static partial Regex Spaces();

    [GeneratedRegex(@"\$\{(\w+)\}")]
    private static partial Regex Reference();
}
