namespace JengaFleet.Contracts;

/// <summary>One object written to storage: its key, size, content type and the SHA-256 (lower-case hex) of its bytes.</summary>
public sealed record StoredObject(string Key, long SizeBytes, string ContentType, string Sha256);
