namespace JengaFleet.Contracts;

public sealed record FailureDetails(FailureReason Reason, string Message, bool Retryable);
