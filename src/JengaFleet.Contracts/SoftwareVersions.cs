namespace JengaFleet.Contracts;

/// <summary>What produced a result: the JengaFleet build, the .NET runtime and the engine's own description.</summary>
public sealed record SoftwareVersions(string JengaFleet, string DotNet, string Engine);
