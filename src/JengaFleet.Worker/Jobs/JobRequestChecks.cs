using JengaFleet.Contracts;
using JengaFleet.Pipeline.Engine;

namespace JengaFleet.Worker.Jobs;

/// <summary>
/// The checks of a <see cref="GenerateVideo"/> before any work, shared by the worker (on receipt) and by
/// <c>jenga enqueue</c> (before sending), so that a batch is refused for exactly the reasons a worker would refuse its jobs.
/// </summary>
public static class JobRequestChecks
{
    /// <summary>Job id and output prefix: without them there is nowhere to write a result record.</summary>
    public static FailureDetails? CheckAddress(GenerateVideo message)
    {
        if (!JobKeys.IsValidJobId(message.JobId))
            return new FailureDetails(FailureReason.InvalidJobId, $"job id '{Truncate(message.JobId)}' must be 1-128 characters of letters, digits, '.', '_' or '-', starting with a letter or digit", false);
        if (JobKeys.NormalizePrefix(message.OutputPrefix) is null)
            return new FailureDetails(FailureReason.InvalidOutputPrefix, $"output prefix '{Truncate(message.OutputPrefix)}' must be '/'-separated segments of letters, digits, '.', '_' or '-'", false);
        return null;
    }

    /// <summary>Schema version, then the engine's validation of the request (model, preset, size, frames, steps, guidance, seed).</summary>
    public static FailureDetails? CheckRequest(GenerateVideo message, string servedModel, Func<GenerationRequest, RequestValidation> validate)
    {
        if (!ContractVersion.IsSupported(message.SchemaVersion))
            return new FailureDetails(FailureReason.UnsupportedSchemaVersion, $"schema version {message.SchemaVersion} is not supported by this worker (versions {ContractVersion.Oldest}..{ContractVersion.Current})", false);
        var validation = validate(ToRequest(message, servedModel));
        return validation.IsValid ? null : new FailureDetails(ReasonCodes.From(validation.Reason!.Value), validation.Message, false);
    }

    /// <summary>
    /// Everything a worker holding the request's own model would check, without a worker: the model must be one this
    /// build knows, and every engine shares <see cref="GenerationRequestValidator"/> with the default limits.
    /// </summary>
    public static FailureDetails? CheckForAnyWorker(GenerateVideo message)
    {
        if (CheckAddress(message) is { } address)
            return address;
        var model = message.Model;
        if (string.IsNullOrEmpty(model) || !Engines.EngineCatalog.KnownModels.Contains(model, StringComparer.OrdinalIgnoreCase))
            return new FailureDetails(FailureReason.UnsupportedModel, $"model '{model}' is not known; known models: {string.Join(", ", Engines.EngineCatalog.KnownModels)}", false);
        return CheckRequest(message, model, r => GenerationRequestValidator.Validate(r, model, new EngineLimits()));
    }

    /// <summary>The engine's view of a message; no model means the model the worker holds.</summary>
    public static GenerationRequest ToRequest(GenerateVideo m, string servedModel) =>
        new(m.Prompt ?? "", m.NegativePrompt, string.IsNullOrEmpty(m.Model) ? servedModel : m.Model, m.Preset ?? "", m.Width, m.Height, m.Frames, m.Steps, m.Seed, m.Guidance);

    private static string Truncate(string? s) => s is null ? "(null)" : s.Length <= 80 ? s : s[..80] + "…";
}
