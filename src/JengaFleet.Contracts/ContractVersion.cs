namespace JengaFleet.Contracts;

/// <summary>
/// The schema version every message and result record carries in <c>schemaVersion</c>. Bump it when a
/// field changes meaning; add fields as optional so that a reader of version N still reads every
/// version before N (the stored samples in the tests pin version 1).
/// </summary>
public static class ContractVersion
{
    public const int Current = 1;

    /// <summary>Messages written before <c>schemaVersion</c> existed, or that leave it out, are version 1.</summary>
    public const int Oldest = 1;

    /// <summary>A version this code can honour: no newer than <see cref="Current"/> (a newer one may carry fields it would silently ignore).</summary>
    public static bool IsSupported(int version) => version is >= Oldest and <= Current;
}
