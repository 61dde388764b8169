namespace JengaFleet.Pipeline.Engine;

/// <summary>The stage names every engine reports timings under (also the <c>stage</c> metric label).</summary>
public static class GenerationStages
{
    public const string TextEncode = "text_encode";
    public const string VaeDecode = "vae_decode";
    public const string VideoEncode = "video_encode";

    /// <summary>Denoising of ProRes stage <paramref name="proResStage"/>: <c>denoise_0</c>, <c>denoise_1</c>, …</summary>
    public static string Denoise(int proResStage) => $"denoise_{proResStage}";
}
