using System.Text.Json;
using JengaFleet.Contracts;
using Xunit;

namespace JengaFleet.Worker.Tests.Contracts;

/// <summary>The wire format stays readable: stored version-1 samples, stable reason names, tolerant reading.</summary>
public class ContractJsonTests
{
    private static string Sample(string name) => File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Samples", name));

    [Fact]
    public void A_stored_version_1_GenerateVideo_reads_with_every_field()
    {
        var m = ContractJson.Deserialize<GenerateVideo>(Sample("generate-video.v1.json"));
        Assert.Equal(1, m.SchemaVersion);
        Assert.True(ContractVersion.IsSupported(m.SchemaVersion));
        Assert.Equal("batch-7-000042", m.JobId);
        Assert.Equal("batch-7", m.BatchId);
        Assert.Equal("A lighthouse in a storm, waves crashing, cinematic", m.Prompt);
        Assert.Equal("blurry, low quality", m.NegativePrompt);
        Assert.Equal("hunyuan-video", m.Model);
        Assert.Equal("turbo", m.Preset);
        Assert.Equal((1280, 720, 129, 50), (m.Width, m.Height, m.Frames, m.Steps));
        Assert.Equal(1234567, m.Seed);
        Assert.Equal(6.0, m.Guidance);
        Assert.Equal("batches/batch-7/", m.OutputPrefix);
        Assert.Equal(new DateTimeOffset(2026, 11, 27, 8, 0, 0, TimeSpan.Zero), m.SubmittedAt);
    }

    [Fact]
    public void A_stored_version_1_result_record_reads_with_its_failure_reason()
    {
        var r = ContractJson.Deserialize<VideoResultRecord>(Sample("result-record.v1.json"));
        Assert.Equal(JobOutcome.Failed, r.Outcome);
        Assert.Equal(new FailureDetails(FailureReason.UnknownPreset, "unknown preset 'warp9'", false), r.Failure);
        Assert.Equal("warp9", r.Request!.Preset);
        Assert.Null(r.Video);
        Assert.Equal("gpu-node-3", r.Worker);
        Assert.Equal(60.0, r.QueueWaitSeconds);
    }

    [Fact]
    public void Unknown_fields_are_ignored_and_optional_fields_may_be_missing()
    {
        var m = ContractJson.Deserialize<GenerateVideo>("""{"jobId":"j1","prompt":"p","preset":"base","width":64,"height":48,"frames":9,"steps":4,"seed":1,"guidance":6,"someFutureField":{"x":1}}""");
        Assert.Equal("j1", m.JobId);
        Assert.Null(m.NegativePrompt);
        Assert.Null(m.Model);
        Assert.Null(m.OutputPrefix);
        Assert.Equal(ContractVersion.Current, m.SchemaVersion);
    }

    [Fact]
    public void Reason_codes_and_outcomes_have_stable_wire_names()
    {
        var expected = new Dictionary<FailureReason, string>
        {
            [FailureReason.MalformedMessage] = "malformed_message",
            [FailureReason.UnsupportedSchemaVersion] = "unsupported_schema_version",
            [FailureReason.InvalidJobId] = "invalid_job_id",
            [FailureReason.InvalidOutputPrefix] = "invalid_output_prefix",
            [FailureReason.InvalidPrompt] = "invalid_prompt",
            [FailureReason.UnsupportedModel] = "unsupported_model",
            [FailureReason.UnknownPreset] = "unknown_preset",
            [FailureReason.InvalidSize] = "invalid_size",
            [FailureReason.InvalidFrames] = "invalid_frames",
            [FailureReason.InvalidSteps] = "invalid_steps",
            [FailureReason.InvalidGuidance] = "invalid_guidance",
            [FailureReason.InvalidSeed] = "invalid_seed",
            [FailureReason.StorageUnavailable] = "storage_unavailable",
            [FailureReason.JobTimeout] = "job_timeout",
            [FailureReason.EngineError] = "engine_error",
        };
        Assert.Equal(Enum.GetValues<FailureReason>().Length, expected.Count);
        foreach (var (reason, name) in expected)
        {
            // with the contract options and with plain System.Text.Json options (as a bus serializer would use)
            Assert.Equal($"\"{name}\"", JsonSerializer.Serialize(reason, ContractJson.Options));
            Assert.Equal($"\"{name}\"", JsonSerializer.Serialize(reason));
            Assert.Equal(reason, JsonSerializer.Deserialize<FailureReason>($"\"{name}\""));
        }

        Assert.Equal("\"succeeded\"", JsonSerializer.Serialize(JobOutcome.Succeeded));
        Assert.Equal("\"failed\"", JsonSerializer.Serialize(JobOutcome.Failed));
    }

    [Fact]
    public void Versions_newer_than_this_code_are_not_supported()
    {
        Assert.True(ContractVersion.IsSupported(1));
        Assert.False(ContractVersion.IsSupported(ContractVersion.Current + 1));
        Assert.False(ContractVersion.IsSupported(0));
    }

    [Fact]
    public void A_result_record_round_trips()
    {
        var record = new VideoResultRecord
        {
            JobId = "j",
            Outcome = JobOutcome.Succeeded,
            Video = new StoredObject("jobs/j/video.mp4", 10, "video/mp4", "ab"),
            Timings = [new StageTiming("text_encode", 0.5)],
            Worker = "w",
        };
        var back = ContractJson.Deserialize<VideoResultRecord>(ContractJson.SerializeToUtf8(record));
        Assert.Equal(record.Video, back.Video);
        Assert.Equal(record.Timings, back.Timings);
        Assert.Equal(record.Outcome, back.Outcome);
    }
}
