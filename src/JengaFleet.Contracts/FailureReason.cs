using System.Text.Json.Serialization;

namespace JengaFleet.Contracts;

/// <summary>
/// Why a job failed. The JSON names (snake_case) are the stable wire names, also used as the
/// <c>reason</c> label of the jobs metric: never rename one, only add.
/// </summary>
[JsonConverter(typeof(JsonStringEnumConverter<FailureReason>))]
public enum FailureReason
{
    /// <summary>The message could not be read as a <see cref="GenerateVideo"/> (wrong JSON types, missing envelope fields).</summary>
    [JsonStringEnumMemberName("malformed_message")] MalformedMessage,

    /// <summary>The message's schema version is newer than this worker understands.</summary>
    [JsonStringEnumMemberName("unsupported_schema_version")] UnsupportedSchemaVersion,

    /// <summary>The job id is missing or has characters that cannot be part of an object key.</summary>
    [JsonStringEnumMemberName("invalid_job_id")] InvalidJobId,

    /// <summary>The output prefix cannot be used as an object-key prefix.</summary>
    [JsonStringEnumMemberName("invalid_output_prefix")] InvalidOutputPrefix,

    [JsonStringEnumMemberName("invalid_prompt")] InvalidPrompt,

    /// <summary>The request names a model that this worker's queue does not serve.</summary>
    [JsonStringEnumMemberName("unsupported_model")] UnsupportedModel,

    [JsonStringEnumMemberName("unknown_preset")] UnknownPreset,

    /// <summary>Width or height is not a multiple of 16 or outside the model's range.</summary>
    [JsonStringEnumMemberName("invalid_size")] InvalidSize,

    /// <summary>The frame count is not 4k+1 or outside the model's range.</summary>
    [JsonStringEnumMemberName("invalid_frames")] InvalidFrames,

    [JsonStringEnumMemberName("invalid_steps")] InvalidSteps,

    [JsonStringEnumMemberName("invalid_guidance")] InvalidGuidance,

    [JsonStringEnumMemberName("invalid_seed")] InvalidSeed,

    /// <summary>Object storage stayed unreachable through every retry.</summary>
    [JsonStringEnumMemberName("storage_unavailable")] StorageUnavailable,

    /// <summary>The job ran longer than the worker's maximum job duration and was stopped.</summary>
    [JsonStringEnumMemberName("job_timeout")] JobTimeout,

    /// <summary>The model failed while generating (an exception inside the engine).</summary>
    [JsonStringEnumMemberName("engine_error")] EngineError,
}
