namespace JengaFleet.Pipeline.Engine;

/// <summary>The answer of <see cref="IVideoGenerationEngine.Validate"/>: valid, or a reason and a message for the requester.</summary>
public sealed record RequestValidation(RejectionReason? Reason, string Message)
{
    public static RequestValidation Valid { get; } = new(null, "ok");

    public bool IsValid => Reason is null;

    public static RequestValidation Reject(RejectionReason reason, string message) => new(reason, message);
}
