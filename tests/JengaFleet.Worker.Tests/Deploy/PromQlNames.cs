using System.Reflection;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.RegularExpressions;
using JengaFleet.Contracts;
using JengaFleet.Worker.Metrics;
using YamlDotNet.RepresentationModel;

namespace JengaFleet.Worker.Tests.Deploy;

/// <summary>Metric names, label names and label values that PromQL expressions use, checked against what the worker exports.</summary>
internal static partial class PromQlNames
{
    /// <summary>Series from other exporters that the dashboard and alerts use, by exporter.</summary>
    public static readonly IReadOnlySet<string> ExternalMetrics = new HashSet<string>(StringComparer.Ordinal)
    {
        // NVIDIA dcgm-exporter, default counters (default-counters.csv)
        "DCGM_FI_DEV_GPU_UTIL", "DCGM_FI_DEV_FB_USED",
        // RabbitMQ rabbitmq_prometheus, per-object metrics (prometheus.return_per_object_metrics = true)
        "rabbitmq_queue_messages_ready", "rabbitmq_queue_messages_unacked",
    };

    /// <summary>Labels of the worker's series (docs/worker.md, "Metrics"), plus "le" of histogram buckets.</summary>
    public static readonly IReadOnlySet<string> WorkerLabels = new HashSet<string>(StringComparer.Ordinal)
        { "model", "worker", "preset", "stage", "outcome", "reason", "device", "le", "otel_scope_name", "job", "instance" };

    public static readonly IReadOnlySet<string> Outcomes = new HashSet<string>(StringComparer.Ordinal) { "succeeded", "failed", "duplicate" };

    public static IReadOnlySet<string> ReasonCodes { get; } = typeof(FailureReason).GetFields(BindingFlags.Public | BindingFlags.Static)
        .Select(f => f.GetCustomAttribute<JsonStringEnumMemberNameAttribute>()!.Name).Append("none").ToHashSet(StringComparer.Ordinal);

    [GeneratedRegex(@"(?<![\w:])(jenga_[a-z0-9_]+)(?![\w:])(\{[^}]*\})?")]
    private static partial Regex WorkerMetric();

    [GeneratedRegex(@"(?<![\w:])(DCGM_[A-Z0-9_]+|rabbitmq_[a-z0-9_]+)(?![\w:])")]
    private static partial Regex ExternalMetric();

    [GeneratedRegex(@"(?<![\w:])([a-z_]+:[a-z0-9_]+:[a-z0-9_]+)(?![\w:])")]
    private static partial Regex RecordedName();

    [GeneratedRegex(@"([a-zA-Z_]\w*)\s*(=~|!~|!=|=)\s*""([^""]*)""")]
    private static partial Regex Matcher();

    /// <summary>Every problem with the names in <paramref name="expressions"/> (empty when all are real).</summary>
    public static List<string> Problems(IEnumerable<string> expressions, IReadOnlySet<string> recorded)
    {
        var problems = new List<string>();
        foreach (var expr in expressions)
        {
            foreach (Match m in WorkerMetric().Matches(expr))
            {
                var name = m.Groups[1].Value;
                if (!MetricNames.PrometheusNames.Contains(BaseName(name)))
                    problems.Add($"{name}: not exported by the worker (MetricNames.PrometheusNames) in: {expr}");
                if (m.Groups[2].Success)
                    problems.AddRange(MatcherProblems(name, m.Groups[2].Value));
            }

            foreach (Match m in ExternalMetric().Matches(expr))
            {
                if (!ExternalMetrics.Contains(m.Groups[1].Value))
                    problems.Add($"{m.Groups[1].Value}: not a known dcgm-exporter or RabbitMQ series in: {expr}");
            }

            foreach (Match m in RecordedName().Matches(expr))
            {
                if (!recorded.Contains(m.Groups[1].Value))
                    problems.Add($"{m.Groups[1].Value}: no recording rule defines it, in: {expr}");
            }
        }

        return problems;
    }

    /// <summary>All metric names an expression refers to (for "is this panel there" checks).</summary>
    public static IEnumerable<string> Metrics(string expr) =>
        WorkerMetric().Matches(expr).Select(m => m.Groups[1].Value).Concat(ExternalMetric().Matches(expr).Select(m => m.Groups[1].Value));

    private static string BaseName(string name)
    {
        foreach (var suffix in new[] { "_bucket", "_sum", "_count" })
        {
            if (name.EndsWith(suffix, StringComparison.Ordinal) && MetricNames.PrometheusNames.Contains(name[..^suffix.Length]))
                return name[..^suffix.Length];
        }

        return name;
    }

    private static IEnumerable<string> MatcherProblems(string metric, string selector)
    {
        foreach (Match m in Matcher().Matches(selector))
        {
            var (label, op, value) = (m.Groups[1].Value, m.Groups[2].Value, m.Groups[3].Value);
            if (!WorkerLabels.Contains(label))
                yield return $"{metric}: label '{label}' is not one of the worker's labels";
            if (value.Contains('$', StringComparison.Ordinal))
                continue; // a dashboard variable
            var allowed = label switch { "outcome" => Outcomes, "reason" => ReasonCodes, _ => null };
            if (allowed is null)
                continue;
            var values = op is "=~" or "!~" ? value.Split('|') : [value];
            foreach (var v in values.Where(v => !allowed.Contains(v)))
                yield return $"{metric}: {label} value '{v}' is never exported (known: {string.Join(", ", allowed.Order())})";
        }
    }

    /// <summary>The PromQL of every panel target and query variable of a Grafana dashboard.</summary>
    public static List<string> DashboardExpressions(string json)
    {
        var found = new List<string>();
        Walk(JsonDocument.Parse(json).RootElement, found);
        return found;

        static void Walk(JsonElement e, List<string> found)
        {
            if (e.ValueKind == JsonValueKind.Object)
            {
                foreach (var p in e.EnumerateObject())
                {
                    if (p.Value.ValueKind == JsonValueKind.String && p.Name is "expr" or "query" && p.Value.GetString() is { Length: > 0 } s)
                        found.Add(s);
                    else
                        Walk(p.Value, found);
                }
            }
            else if (e.ValueKind == JsonValueKind.Array)
            {
                foreach (var item in e.EnumerateArray())
                    Walk(item, found);
            }
        }
    }

    /// <summary>(record or alert name, expr) of every rule in a Prometheus rule file.</summary>
    public static List<(string Name, string Expr, bool IsRecording)> Rules(YamlMappingNode file)
    {
        var rules = new List<(string, string, bool)>();
        foreach (var group in ((YamlSequenceNode)YamlNodes.Child(file, "groups")!).Children)
        {
            foreach (var rule in ((YamlSequenceNode)YamlNodes.Child(group, "rules")!).Children)
            {
                var entries = YamlNodes.Entries(rule);
                var recording = entries.ContainsKey("record");
                rules.Add((YamlNodes.Scalar(entries[recording ? "record" : "alert"]), YamlNodes.Scalar(entries["expr"]), recording));
            }
        }

        return rules;
    }
}
