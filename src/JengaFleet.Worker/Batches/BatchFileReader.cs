using System.Text.Json;
using JengaFleet.Worker.Jobs;

namespace JengaFleet.Worker.Batches;

/// <summary>
/// Reads a batch file — <c>.txt</c>: one prompt per line; <c>.jsonl</c>: one JSON object per line whose fields override
/// the defaults — and checks every line with the worker's own request checks (<see cref="JobRequestChecks"/>).
/// Blank lines are not jobs. Line numbers are 1-based and name the jobs, so they stay stable on re-submission.
/// </summary>
public static class BatchFileReader
{
    private static readonly string[] Fields = ["prompt", "negativePrompt", "model", "preset", "width", "height", "frames", "steps", "seed", "guidance"];

    public static bool IsJsonLines(string path) => path.EndsWith(".jsonl", StringComparison.OrdinalIgnoreCase) || path.EndsWith(".ndjson", StringComparison.OrdinalIgnoreCase);

    public static BatchFile Read(string path, BatchDefaults defaults, BatchKeys batch)
    {
        using var reader = new StreamReader(path);
        return Read(reader, IsJsonLines(path), defaults, batch);
    }

    public static BatchFile Read(TextReader reader, bool jsonLines, BatchDefaults defaults, BatchKeys batch)
    {
        var jobs = new List<BatchJob>();
        var errors = new List<BatchLineError>();
        var number = 0;
        while (reader.ReadLine() is { } text)
        {
            number++;
            if (string.IsNullOrWhiteSpace(text))
                continue;
            var job = Defaults(number, defaults, batch);
            if (jsonLines)
            {
                var (parsed, error) = ApplyJson(job, text);
                if (error is not null)
                {
                    errors.Add(error);
                    continue;
                }

                job = parsed!;
            }
            else
            {
                job = job with { Prompt = text.Trim() };
            }

            var failure = JobRequestChecks.CheckForAnyWorker(job.ToMessage(batch.BatchId, batch.OutputPrefix, default));
            if (failure is not null)
                errors.Add(new BatchLineError(number, ReasonCodes.Name(failure.Reason), failure.Message));
            else
                jobs.Add(job);
        }

        return new BatchFile(jobs, errors);
    }

    private static BatchJob Defaults(int line, BatchDefaults d, BatchKeys batch)
    {
        var jobId = batch.JobId(line);
        var keys = batch.Job(jobId);
        return new BatchJob
        {
            Line = line,
            JobId = jobId,
            NegativePrompt = d.NegativePrompt,
            Model = d.Model,
            Preset = d.Preset,
            Width = d.Width,
            Height = d.Height,
            Frames = d.Frames,
            Steps = d.Steps,
            Seed = BatchSeeds.ForLine(d.Seed, line),
            Guidance = d.Guidance,
            VideoKey = keys.Video,
            RecordKey = keys.Record,
        };
    }

    private static (BatchJob? Job, BatchLineError? Error) ApplyJson(BatchJob job, string text)
    {
        var line = job.Line;
        BatchLineError Malformed(string message) => new(line, BatchLineError.MalformedLine, message);
        try
        {
            using var document = JsonDocument.Parse(text);
            if (document.RootElement.ValueKind != JsonValueKind.Object)
                return (null, Malformed($"expected a JSON object, got {document.RootElement.ValueKind}"));
            foreach (var property in document.RootElement.EnumerateObject())
            {
                var name = Canonical(property.Name);
                var value = property.Value;
                if (name is null)
                    return (null, Malformed($"unknown field '{property.Name}'; known fields: {string.Join(", ", Fields)}"));
                if (value.ValueKind == JsonValueKind.Null)
                    continue; // null = the default
                job = name switch
                {
                    "prompt" => job with { Prompt = String(value, name) },
                    "negativePrompt" => job with { NegativePrompt = String(value, name) },
                    "model" => job with { Model = String(value, name) },
                    "preset" => job with { Preset = String(value, name) },
                    "width" => job with { Width = Int(value, name) },
                    "height" => job with { Height = Int(value, name) },
                    "frames" => job with { Frames = Int(value, name) },
                    "steps" => job with { Steps = Int(value, name) },
                    "seed" => job with { Seed = value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out var s) ? s : throw new FormatException("'seed' must be an integer") },
                    "guidance" => job with { Guidance = value.ValueKind == JsonValueKind.Number ? value.GetDouble() : throw new FormatException("'guidance' must be a number") },
                    _ => job,
                };
            }

            return (job, null);
        }
        catch (JsonException e)
        {
            return (null, Malformed($"not valid JSON: {e.Message}"));
        }
        catch (FormatException e)
        {
            return (null, Malformed(e.Message));
        }
    }

    /// <summary>The field's name as written in <see cref="Fields"/>; snake_case and any letter case are accepted.</summary>
    private static string? Canonical(string name)
    {
        var squashed = name.Replace("_", "", StringComparison.Ordinal);
        return Fields.FirstOrDefault(f => string.Equals(f, squashed, StringComparison.OrdinalIgnoreCase));
    }

    private static string String(JsonElement value, string name) =>
        value.ValueKind == JsonValueKind.String ? value.GetString()! : throw new FormatException($"'{name}' must be a string");

    private static int Int(JsonElement value, string name) =>
        value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out var i) ? i : throw new FormatException($"'{name}' must be an integer");
}
