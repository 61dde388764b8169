namespace JengaFleet.Contracts;

/// <summary>
/// Wall time of one stage of a job, in seconds. Stage names: <c>text_encode</c>, <c>denoise_0</c>,
/// <c>denoise_1</c>, … (one per ProRes stage), <c>vae_decode</c>, <c>video_encode</c>, <c>upload</c>.
/// </summary>
public sealed record StageTiming(string Stage, double Seconds);
