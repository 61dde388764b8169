namespace JengaFleet.Worker.Storage;

/// <summary>Storage could not do what was asked, for a reason that may pass: worth retrying.</summary>
public sealed class StorageUnavailableException(string message, Exception? inner = null) : Exception(message, inner);
