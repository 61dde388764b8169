namespace JengaFleet.Pipeline.Engine;

/// <summary>
/// What an engine is: the model it serves (the name requests use), a description that goes into every result
/// record, and the device it runs on.
/// </summary>
/// <param name="Model">Model name requests must name, e.g. "hunyuan-tiny".</param>
/// <param name="Description">Human-readable engine identity, e.g. "synthetic-test-pattern (placeholder: no model)".</param>
/// <param name="Device">"cpu" or "cuda:0" …</param>
/// <param name="Accelerator">The accelerator's name (e.g. "NVIDIA H100 80GB HBM3"), or "cpu".</param>
/// <param name="IsPlaceholder">True for engines that draw test content instead of running a model.</param>
public sealed record EngineInfo(string Model, string Description, string Device, string Accelerator, bool IsPlaceholder);
