using JengaFleet.Worker.Configuration;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace JengaFleet.Worker.Tests.Deploy;

/// <summary>
/// Checks worker settings written in their environment form (<c>Section__Key</c>) the way the worker reads them:
/// every name must bind to a property of the real options classes, every value must convert, and with
/// <paramref name="complete"/> the worker's own start-up validators must accept the whole set.
/// </summary>
internal static class WorkerSettingsCheck
{
    /// <summary>Process environment that is not a worker setting but that the worker or its runtime reads.</summary>
    public static readonly IReadOnlySet<string> OtherKnownVariables = new HashSet<string>(StringComparer.Ordinal)
    {
        "LD_LIBRARY_PATH", // where the GPU build finds torch's libtorch (and NVRTC beside it)
        "JENGA_CACHE_DIR", // HunyuanTinyModel.DefaultRoot
        Jenga.Cuda.Kernels.KernelCache.FolderVariable,
        "JENGA_NVRTC", // NvrtcLocator.OverrideVariable
        "PYTORCH_CUDA_ALLOC_CONF", // libtorch's CUDA allocator options (the GPU image sets expandable segments)
        "MODEL_BASE", // ModelCatalog: weights folder when Model__WeightsPath is empty
        "ASPNETCORE_URLS", "ASPNETCORE_HTTP_PORTS", "DOTNET_CLI_TELEMETRY_OPTOUT",
    };

    private static readonly string[] Sections = [RabbitMqOptions.Section, StorageOptions.Section, ModelOptions.Section, WorkerOptions.Section];

    public static List<string> Problems(IReadOnlyDictionary<string, string> environment, bool complete)
    {
        var problems = new List<string>();
        var settings = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        foreach (var (name, value) in environment)
        {
            if (!name.Contains("__", StringComparison.Ordinal))
            {
                if (!OtherKnownVariables.Contains(name) && !name.StartsWith("DOTNET_", StringComparison.Ordinal))
                    problems.Add($"{name}: not a worker setting (Section__Key) and not a variable the worker reads");
                continue;
            }

            var section = name[..name.IndexOf("__", StringComparison.Ordinal)];
            if (section == "Logging")
            {
                if (name != "Logging__Console__FormatterName" && !name.StartsWith("Logging__LogLevel__", StringComparison.Ordinal))
                    problems.Add($"{name}: unknown logging setting");
                continue;
            }

            if (!Sections.Contains(section, StringComparer.Ordinal))
                problems.Add($"{name}: unknown section '{section}' (known: {string.Join(", ", Sections)})");
            settings[name.Replace("__", ":", StringComparison.Ordinal)] = value;
        }

        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var rabbit = Bind<RabbitMqOptions>(configuration, RabbitMqOptions.Section, problems);
        var storage = Bind<StorageOptions>(configuration, StorageOptions.Section, problems);
        var model = Bind<ModelOptions>(configuration, ModelOptions.Section, problems);
        var worker = Bind<WorkerOptions>(configuration, WorkerOptions.Section, problems);
        if (!complete || problems.Count > 0)
            return problems;

        Collect(new RabbitMqOptionsValidator().Validate(null, rabbit!), problems);
        Collect(new StorageOptionsValidator().Validate(null, storage!), problems);
        Collect(new ModelOptionsValidator().Validate(null, model!), problems);
        Collect(new WorkerOptionsValidator(Options.Create(rabbit!)).Validate(null, worker!), problems);
        return problems;
    }

    /// <summary>Seconds of a setting in .NET TimeSpan form, as the worker parses it.</summary>
    public static double Seconds(string value) => TimeSpan.Parse(value, System.Globalization.CultureInfo.InvariantCulture).TotalSeconds;

    private static T? Bind<T>(IConfiguration configuration, string section, List<string> problems) where T : class, new()
    {
        try
        {
            return configuration.GetSection(section).Get<T>(o => o.ErrorOnUnknownConfiguration = true) ?? new T();
        }
        catch (InvalidOperationException e)
        {
            problems.Add($"{section}: {e.Message}{(e.InnerException is { } inner ? " " + inner.Message : "")}");
            return null;
        }
    }

    private static void Collect(ValidateOptionsResult result, List<string> problems)
    {
        if (result.Failed)
            problems.AddRange(result.Failures ?? [result.FailureMessage]);
    }
}
