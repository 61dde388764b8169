using JengaFleet.Worker.Batches;
using Xunit;

namespace JengaFleet.Worker.Tests.Batches;

/// <summary>Reading and checking batch files: no services needed.</summary>
public class BatchFileReaderTests
{
    private static readonly BatchDefaults Tiny = new() { Model = "hunyuan-tiny", Preset = "base", Width = 64, Height = 48, Frames = 9, Steps = 4 };

    private static BatchFile Read(string text, bool jsonl, BatchDefaults? defaults = null, string batchId = "b1") =>
        BatchFileReader.Read(new StringReader(text), jsonl, defaults ?? Tiny, new BatchKeys(batchId));

    [Fact]
    public void Text_lines_become_jobs_named_by_batch_and_line_with_stable_per_line_seeds()
    {
        var file = Read("a red fox\n\n  a blue whale  \n", jsonl: false);
        Assert.True(file.IsValid);
        Assert.Equal([1, 3], file.Jobs.Select(j => j.Line));
        Assert.Equal(["b1-L000001", "b1-L000003"], file.Jobs.Select(j => j.JobId));
        Assert.Equal("a blue whale", file.Jobs[1].Prompt);
        Assert.Equal("batches/b1/jobs/b1-L000001/video.mp4", file.Jobs[0].VideoKey);
        Assert.Equal("batches/b1/jobs/b1-L000001/result.json", file.Jobs[0].RecordKey);
        Assert.NotEqual(file.Jobs[0].Seed, file.Jobs[1].Seed);
        Assert.All(file.Jobs, j => Assert.InRange(j.Seed, 0, int.MaxValue));

        var again = Read("a red fox\n\n  a blue whale  \n", jsonl: false);
        Assert.Equal(file.Jobs, again.Jobs);
        Assert.Equal(BatchStore.ManifestBytes(file.Jobs), BatchStore.ManifestBytes(again.Jobs));
        var otherBase = Read("a red fox\n", jsonl: false, Tiny with { Seed = 7 });
        Assert.NotEqual(file.Jobs[0].Seed, otherBase.Jobs[0].Seed);
    }

    [Fact]
    public void Jsonl_fields_override_the_defaults()
    {
        var file = Read("""
            {"prompt":"p1","seed":5,"steps":6,"preset":"turbo","negative_prompt":"blur","guidance":3.5}
            {"prompt":"p2","width":128,"height":96,"frames":5,"model":null}
            """, jsonl: true);
        Assert.True(file.IsValid, string.Join("; ", file.Errors));
        var (a, b) = (file.Jobs[0], file.Jobs[1]);
        Assert.Equal((5L, 6, "turbo", "blur", 3.5), (a.Seed, a.Steps, a.Preset, a.NegativePrompt, a.Guidance));
        Assert.Equal((128, 96, 5, "hunyuan-tiny", 4), (b.Width, b.Height, b.Frames, b.Model, b.Steps));
        Assert.Equal(BatchSeeds.ForLine(0, 2), b.Seed);
    }

    [Fact]
    public void Every_bad_line_is_reported_with_its_number_and_the_workers_reason()
    {
        var file = Read("""
            {"prompt":"fine"}
            {"prompt":"odd width","width":65}
            {"prompt":"frames","frames":8}
            {"prompt":"preset","preset":"warp"}
            {"prompt":""}
            {"prompt":"steps","steps":1}
            {"prompt":"seed","seed":-1}
            {"prompt":"model","model":"sora"}
            {"prompt":"typo","stepz":4}
            {"prompt":5}
            [1,2]
            not json
            {"prompt":"fine too"}
            """, jsonl: true);
        Assert.Equal([1, 13], file.Jobs.Select(j => j.Line));
        Assert.Equal(
            [
                (2, "invalid_size"), (3, "invalid_frames"), (4, "unknown_preset"), (5, "invalid_prompt"), (6, "invalid_steps"), (7, "invalid_seed"),
                (8, "unsupported_model"), (9, "malformed_line"), (10, "malformed_line"), (11, "malformed_line"), (12, "malformed_line"),
            ],
            file.Errors.Select(e => (e.Line, e.Reason)));
        Assert.Contains("stepz", file.Errors.Single(e => e.Line == 9).Message);
    }

    [Fact]
    public void Text_files_are_checked_against_the_defaults_too()
    {
        var file = Read("one\ntwo\n", jsonl: false, Tiny with { Frames = 10 });
        Assert.Empty(file.Jobs);
        Assert.Equal([(1, "invalid_frames"), (2, "invalid_frames")], file.Errors.Select(e => (e.Line, e.Reason)));
    }

    [Fact]
    public void Batch_ids_must_fit_in_job_ids()
    {
        Assert.True(BatchKeys.IsValidBatchId("2026-11-27.run_1"));
        Assert.False(BatchKeys.IsValidBatchId("-x"));
        Assert.False(BatchKeys.IsValidBatchId("a/b"));
        Assert.False(BatchKeys.IsValidBatchId(new string('a', BatchKeys.MaxBatchIdLength + 1)));
        Assert.True(Jobs.JobKeys.IsValidJobId(new BatchKeys(new string('a', BatchKeys.MaxBatchIdLength)).JobId(999_999)));
        Assert.True(BatchKeys.IsValidBatchId(BatchKeys.NewBatchId(DateTimeOffset.UtcNow)));
    }
}
