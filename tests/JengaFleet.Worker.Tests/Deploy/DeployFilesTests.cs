using System.Globalization;
using System.Text.RegularExpressions;
using JengaFleet.Worker.Metrics;
using Xunit;
using YamlDotNet.RepresentationModel;

namespace JengaFleet.Worker.Tests.Deploy;

/// <summary>
/// The deployment files (deploy/, docker-compose.yml, charts/jenga-fleet) use the worker's real setting names,
/// values its validators accept, and metric names it exports. The tools that check syntax and schemas
/// (helm, promtool, docker-compose) run in scripts/validate-deploy.sh.
/// </summary>
public class DeployFilesTests
{
    private const string Dashboard = "deploy/grafana/dashboards/jenga-fleet.json";
    private static readonly string[] RuleFiles = ["deploy/prometheus/rules/jenga-recording.yml", "deploy/prometheus/rules/jenga-alerts.yml"];
    private static readonly string[] WorkerServices = ["worker-cpu", "worker-gpu"];

    [Fact]
    public void Every_metric_the_dashboard_queries_is_exported()
    {
        var expressions = PromQlNames.DashboardExpressions(RepositoryFiles.Read(Dashboard));
        Assert.NotEmpty(expressions);
        Assert.Empty(PromQlNames.Problems(expressions, RecordedNames()));

        // The panels the issue asks for are there.
        var used = expressions.SelectMany(PromQlNames.Metrics).ToHashSet();
        string[] required =
        [
            "jenga_jobs_total", "rabbitmq_queue_messages_ready", "jenga_stage_duration_seconds_bucket",
            "jenga_denoise_step_duration_seconds_bucket", "jenga_worker_ready", "DCGM_FI_DEV_GPU_UTIL", "DCGM_FI_DEV_FB_USED",
        ];
        Assert.Empty(required.Except(used));
    }

    [Fact]
    public void Every_metric_the_rules_use_is_exported_or_recorded()
    {
        var rules = RuleFiles.SelectMany(f => PromQlNames.Rules(RepositoryFiles.Yaml(f))).ToList();
        Assert.Empty(PromQlNames.Problems(rules.Select(r => r.Expr), RecordedNames()));
        var alerts = rules.Where(r => !r.IsRecording).Select(r => r.Name).ToList();
        Assert.Contains("JengaQueueGrowingWithNoReadyWorker", alerts);
        Assert.Contains("JengaJobErrorRateHigh", alerts);
        Assert.Contains("JengaJobStalled", alerts);
    }

    [Fact]
    public void The_name_check_reports_unknown_metrics_labels_and_values()
    {
        var problems = PromQlNames.Problems(
        [
            "rate(jenga_videos_total[5m])",
            "jenga_jobs_total{outcome=\"success\", reason=~\"engine_error|gpu_on_fire\"}",
            "jenga_worker_ready{gpu=\"0\"}",
            "DCGM_FI_DEV_MEM_COPY_UTIL",
            "job:not_recorded:sum",
            "sum(jenga_stage_duration_seconds_bucket) + jenga_jobs_in_progress",
        ], new HashSet<string>());
        Assert.Equal(6, problems.Count);
        Assert.Contains(problems, p => p.StartsWith("jenga_videos_total", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Contains("'success'", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Contains("'gpu_on_fire'", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Contains("label 'gpu'", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.StartsWith("DCGM_FI_DEV_MEM_COPY_UTIL", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.StartsWith("job:not_recorded:sum", StringComparison.Ordinal));
    }

    [Fact]
    public void The_docs_list_the_metric_names_the_worker_exports()
    {
        var docs = RepositoryFiles.Read("docs/worker.md");
        Assert.All(MetricNames.PrometheusNames, name => Assert.Contains($"`{name}`", docs, StringComparison.Ordinal));
    }

    [Fact]
    public void Compose_workers_have_settings_the_worker_accepts()
    {
        var services = YamlNodes.Child(RepositoryFiles.Yaml("docker-compose.yml"), "services")!;
        var brokerTimeoutMs = RabbitMqConsumerTimeoutMs();
        foreach (var name in WorkerServices)
        {
            var service = YamlNodes.Child(services, name);
            Assert.NotNull(service);
            var environment = YamlNodes.StringMap(YamlNodes.Child(service, "environment"));
            Assert.Equal([], WorkerSettingsCheck.Problems(environment, complete: true).Select(p => $"{name}: {p}"));

            // docker stops a container after stop_grace_period: a running job must be able to finish first.
            var grace = WorkerSettingsCheck.Seconds(environment["Worker__ShutdownGracePeriod"]);
            Assert.True(ComposeDurationSeconds(YamlNodes.Scalar(YamlNodes.Child(service, "stop_grace_period")!)) > grace + 30, $"{name}: stop_grace_period too short");
            // RabbitMQ older than 3.12 uses only the global consumer_timeout.
            Assert.True(brokerTimeoutMs >= WorkerSettingsCheck.Seconds(environment["RabbitMq__ConsumerTimeout"]) * 1000, $"{name}: rabbitmq.conf consumer_timeout shorter than RabbitMq__ConsumerTimeout");
        }

        var cpu = YamlNodes.StringMap(YamlNodes.Child(services, "worker-cpu", "environment"));
        Assert.Equal("hunyuan-tiny", cpu["Model__Name"]);
        Assert.Equal("cpu", cpu["Worker__Device"]);
        var gpu = YamlNodes.Child(services, "worker-gpu")!;
        Assert.Equal("hunyuan-video", YamlNodes.StringMap(YamlNodes.Child(gpu, "environment"))["Model__Name"]);
        var device = ((YamlSequenceNode)YamlNodes.Child(gpu, "deploy", "resources", "reservations", "devices")!).Children[0];
        Assert.Equal("1", YamlNodes.Scalar(YamlNodes.Child(device, "count")!));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("charts/jenga-fleet/ci/full-values.yaml")]
    public void Chart_values_are_settings_the_worker_accepts(string? overrides)
    {
        var values = RepositoryFiles.Yaml("charts/jenga-fleet/values.yaml");
        var config = YamlNodes.StringMap(YamlNodes.Child(values, "config"));
        var secrets = YamlNodes.StringMap(YamlNodes.Child(values, "secret", "values"));
        var termination = YamlNodes.Scalar(YamlNodes.Child(values, "terminationGracePeriodSeconds")!);
        if (overrides is not null)
        {
            var more = RepositoryFiles.Yaml(overrides);
            foreach (var (k, v) in YamlNodes.StringMap(YamlNodes.Child(more, "config")))
                config[k] = v;
            if (YamlNodes.Child(more, "terminationGracePeriodSeconds") is { } t)
                termination = YamlNodes.Scalar(t);
        }

        // rabbitmqManagementUri is KEDA's, not the worker's.
        var environment = config.Concat(secrets.Where(s => s.Key != "rabbitmqManagementUri")).ToDictionary();
        environment["Worker__Name"] = "jenga-fleet-0"; // the pod name, from the downward API
        Assert.Equal([], WorkerSettingsCheck.Problems(environment, complete: true));
        Assert.Equal("hunyuan-video", config["Model__Name"]);
        Assert.StartsWith("cuda", config["Worker__Device"], StringComparison.Ordinal);

        // The pod outlives a running job on scale-in: grace period plus the host's 30 s stop margin.
        var grace = WorkerSettingsCheck.Seconds(config["Worker__ShutdownGracePeriod"]);
        Assert.True(int.Parse(termination, CultureInfo.InvariantCulture) > grace + 30);
        Assert.True(grace >= WorkerSettingsCheck.Seconds(config["Worker__MaxJobDuration"]), "a running job should be allowed to finish on scale-in");
    }

    [Fact]
    public void The_settings_check_rejects_unknown_names_and_bad_values()
    {
        var problems = WorkerSettingsCheck.Problems(new Dictionary<string, string>
        {
            ["Worker__MaxJobDurationn"] = "01:00:00",
            ["Storage__ForcePathStyle"] = "maybe",
            ["Modell__Name"] = "x",
            ["JENGA_WEIGHTS"] = "/models",
        }, complete: false);
        Assert.Equal(4, problems.Count);

        var invalid = WorkerSettingsCheck.Problems(new Dictionary<string, string>
        {
            ["RabbitMq__Uri"] = "amqp://guest:guest@rabbitmq:5672/",
            ["RabbitMq__ConsumerTimeout"] = "01:00:00",
            ["Storage__Bucket"] = "videos",
            ["Model__Name"] = "hunyuan-video",
            ["Worker__MaxJobDuration"] = "01:30:00",
        }, complete: true);
        Assert.Contains(invalid, p => p.Contains("RabbitMq:ConsumerTimeout", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("deploy/docker/worker-gpu.Dockerfile", "hunyuan-video")]
    [InlineData("deploy/docker/worker-cpu.Dockerfile", "hunyuan-tiny")]
    public void Dockerfiles_pin_their_bases_run_as_a_user_check_health_and_set_real_settings(string path, string model)
    {
        var file = Dockerfile.Parse(RepositoryFiles.Read(path));
        var froms = file.Instructions.Where(i => i.Keyword == "FROM").Select(i => file.Resolve(i.Arguments.Split(' ')[0])).ToList();
        Assert.True(froms.Count >= 2, "multi-stage: an SDK stage publishes, a runtime stage runs");
        Assert.All(froms, image => Assert.Matches(@"^[\w./-]+:\d+\.\d+\.\d+[\w.-]*$", image));
        if (model == "hunyuan-video")
        {
            Assert.StartsWith("pytorch/pytorch:2.10.", froms[^1], StringComparison.Ordinal);
            Assert.Contains(file.Instructions, i => i.Keyword == "RUN" && i.Arguments.Contains("-p:JengaGpu=true", StringComparison.Ordinal));
        }

        var final = file.FinalStage();
        var user = final.LastOrDefault(i => i.Keyword == "USER")?.Arguments;
        Assert.NotNull(user);
        Assert.DoesNotMatch(@"^(root|0)(:|$)", user);
        var health = final.LastOrDefault(i => i.Keyword == "HEALTHCHECK")?.Arguments;
        Assert.NotNull(health);
        Assert.Contains("/healthz", health, StringComparison.Ordinal);

        var environment = final.Where(i => i.Keyword == "ENV").SelectMany(i => Dockerfile.EnvPairs(i.Arguments)).ToDictionary();
        Assert.Equal([], WorkerSettingsCheck.Problems(environment, complete: false));
        Assert.Equal(model, environment["Model__Name"]);
        if (model == "hunyuan-video")
            Assert.Equal("/opt/torch-site/torch/lib", environment["LD_LIBRARY_PATH"]);
    }

    private static HashSet<string> RecordedNames() =>
        RuleFiles.SelectMany(f => PromQlNames.Rules(RepositoryFiles.Yaml(f))).Where(r => r.IsRecording).Select(r => r.Name).ToHashSet();

    private static double RabbitMqConsumerTimeoutMs()
    {
        var line = RepositoryFiles.Read("deploy/rabbitmq/rabbitmq.conf").Split('\n')
            .Single(l => l.TrimStart().StartsWith("consumer_timeout", StringComparison.Ordinal));
        return double.Parse(line.Split('=')[1].Trim(), CultureInfo.InvariantCulture);
    }

    /// <summary>Compose durations: "95m", "1h30m", "90s".</summary>
    private static double ComposeDurationSeconds(string value)
    {
        var total = 0.0;
        foreach (Match m in Regex.Matches(value, @"(\d+(?:\.\d+)?)(h|m|s)"))
            total += double.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture) * m.Groups[2].Value switch { "h" => 3600, "m" => 60, _ => 1 };
        return total;
    }
}
