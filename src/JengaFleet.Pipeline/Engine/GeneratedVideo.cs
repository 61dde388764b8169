namespace JengaFleet.Pipeline.Engine;

/// <summary>A finished generation: the mp4 on local disk and the time each stage took, in order.</summary>
public sealed record GeneratedVideo(string Mp4Path, int Width, int Height, int Frames, double FramesPerSecond, IReadOnlyList<StageTime> Timings);
