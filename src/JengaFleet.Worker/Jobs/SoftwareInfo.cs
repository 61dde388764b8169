using System.Reflection;
using JengaFleet.Contracts;
using JengaFleet.Pipeline.Engine;

namespace JengaFleet.Worker.Jobs;

internal static class SoftwareInfo
{
    private static readonly string JengaVersion =
        typeof(SoftwareInfo).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion
        ?? typeof(SoftwareInfo).Assembly.GetName().Version?.ToString() ?? "unknown";

    public static SoftwareVersions For(EngineInfo engine) =>
        new(JengaVersion, System.Runtime.InteropServices.RuntimeInformation.FrameworkDescription, engine.Description);
}
