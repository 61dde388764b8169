using System.Text.Json.Serialization;

namespace JengaFleet.Contracts;

/// <summary>How a job ended; the JSON names are stable (also the <c>outcome</c> metric label).</summary>
[JsonConverter(typeof(JsonStringEnumConverter<JobOutcome>))]
public enum JobOutcome
{
    [JsonStringEnumMemberName("succeeded")] Succeeded,
    [JsonStringEnumMemberName("failed")] Failed,
}
