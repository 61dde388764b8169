namespace JengaFleet.Worker.Jobs;

/// <summary>A message that cannot be read as a GenerateVideo; it is reported and then moved to the error queue.</summary>
public sealed class MalformedMessageException(string message, Exception? inner = null) : Exception(message, inner);
