namespace JengaFleet.Pipeline.Engine;

/// <summary>Hears about a generation as it runs (metrics, progress bars). Called on the generating thread; keep it quick.</summary>
public interface IGenerationObserver
{
    void StageCompleted(StageTime stage)
    {
    }

    void StepCompleted(DenoiseStepTime step)
    {
    }
}

/// <summary>An observer that ignores everything.</summary>
public sealed class NullGenerationObserver : IGenerationObserver
{
    public static NullGenerationObserver Instance { get; } = new();
}
