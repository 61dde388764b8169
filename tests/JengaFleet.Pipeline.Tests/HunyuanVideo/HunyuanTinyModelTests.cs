using JengaFleet.Models.Checkpoints;
using JengaFleet.Pipeline.HunyuanVideo;
using JengaFleet.Testing;
using Xunit;

namespace JengaFleet.Pipeline.Tests.HunyuanVideo;

public class HunyuanTinyModelTests(TinyModelFixture tiny) : IClassFixture<TinyModelFixture>
{
    [Fact]
    public void Is_written_in_the_official_layout()
    {
        Assert.Null(tiny.Layout.FirstMissing());
        Assert.True(File.Exists(Path.Combine(tiny.Root, "hunyuan-video-t2v-720p", "transformers", "mp_rank_00_model_states.pt")));
        using var dit = PyTorchCheckpointSource.Open(tiny.Layout.TransformerFile);
        Assert.Equal("module", dit.SelectedKey); // DeepSpeed "model states" wrapping, like the release
        Assert.Contains("double_blocks.0.img_attn_qkv.weight", dit.Names);
        using var vae = PyTorchCheckpointSource.Open(tiny.Layout.VaeFile, loadKey: null);
        Assert.Contains("decoder.conv_out.conv.weight", vae.Names);
    }

    [Fact]
    public void Is_deterministic_and_written_once()
    {
        using var other = new TempDirectory();
        var (layout, crop) = HunyuanTinyModel.EnsureWritten(Path.Combine(other.Path, "copy"));
        Assert.Equal(tiny.CropStart, crop);
        Assert.Equal(File.ReadAllBytes(tiny.Layout.TransformerFile), File.ReadAllBytes(layout.TransformerFile));
        Assert.Equal(File.ReadAllBytes(tiny.Layout.VaeFile), File.ReadAllBytes(layout.VaeFile));

        var written = File.GetLastWriteTimeUtc(layout.TransformerFile);
        HunyuanTinyModel.EnsureWritten(Path.Combine(other.Path, "copy"));
        Assert.Equal(written, File.GetLastWriteTimeUtc(layout.TransformerFile));
    }

    [Fact]
    public void Missing_files_are_named()
    {
        using var other = new TempDirectory();
        var (layout, _) = HunyuanTinyModel.EnsureWritten(Path.Combine(other.Path, "copy"));
        File.Delete(layout.VaeFile);
        Assert.Contains(layout.VaeFile, layout.FirstMissing());
        var error = Assert.Throws<FileNotFoundException>(() => HunyuanVideoModelSet.Load(layout, TorchSharp.torch.CPU));
        Assert.Contains("pytorch_model.pt", error.Message);
    }
}
