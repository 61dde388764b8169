using JengaFleet.Jenga.Presets;
using JengaFleet.Jenga.ProRes;

namespace JengaFleet.Pipeline.Engine;

/// <summary>
/// The checks every engine shares, all cheap and done before touching the GPU: prompt, model, preset,
/// size (multiples of 16 that every ProRes stage can shrink), frames (4k+1), steps, guidance, seed.
/// </summary>
public static class GenerationRequestValidator
{
    public static RequestValidation Validate(GenerationRequest request, string servedModel, EngineLimits limits)
    {
        if (string.IsNullOrWhiteSpace(request.Prompt))
            return RequestValidation.Reject(RejectionReason.InvalidPrompt, "the prompt is empty");
        if (request.Prompt.Length > limits.MaxPromptChars)
            return RequestValidation.Reject(RejectionReason.InvalidPrompt, $"the prompt has {request.Prompt.Length} characters; at most {limits.MaxPromptChars} are allowed");
        if (request.NegativePrompt is { Length: var n } && n > limits.MaxPromptChars)
            return RequestValidation.Reject(RejectionReason.InvalidPrompt, $"the negative prompt has {n} characters; at most {limits.MaxPromptChars} are allowed");
        if (!string.Equals(request.Model, servedModel, StringComparison.OrdinalIgnoreCase))
            return RequestValidation.Reject(RejectionReason.UnsupportedModel, $"this worker serves model '{servedModel}', not '{request.Model}'; send the job to a queue whose workers hold that model");

        var preset = JengaPresets.All.FirstOrDefault(p => string.Equals(p.Name, request.Preset, StringComparison.OrdinalIgnoreCase));
        if (preset is null)
            return RequestValidation.Reject(RejectionReason.UnknownPreset, $"unknown preset '{request.Preset}'; known presets: {string.Join(", ", JengaPresets.Names)}");

        const int multiple = VideoRequestGeometry.PixelsPerToken;
        if (request.Width % multiple != 0 || request.Height % multiple != 0)
            return RequestValidation.Reject(RejectionReason.InvalidSize, $"width and height must be multiples of {multiple} pixels, got {request.Width}x{request.Height}");
        if (request.Width < limits.MinSize || request.Height < limits.MinSize || request.Width > limits.MaxWidth || request.Height > limits.MaxHeight)
            return RequestValidation.Reject(RejectionReason.InvalidSize, $"size {request.Width}x{request.Height} is outside {limits.MinSize}..{limits.MaxWidth} x {limits.MinSize}..{limits.MaxHeight}");
        if (request.Frames < 1 || (request.Frames - 1) % VideoRequestGeometry.TemporalCompression != 0 || request.Frames > limits.MaxFrames)
            return RequestValidation.Reject(RejectionReason.InvalidFrames, $"frame count must be 4k+1 between 1 and {limits.MaxFrames} (1, 5, 9, ..., 129), got {request.Frames}");
        if (request.Steps < limits.MinSteps || request.Steps > limits.MaxSteps)
            return RequestValidation.Reject(RejectionReason.InvalidSteps, $"steps must be between {limits.MinSteps} and {limits.MaxSteps}, got {request.Steps}");
        if (!double.IsFinite(request.Guidance) || request.Guidance < limits.MinGuidance || request.Guidance > limits.MaxGuidance)
            return RequestValidation.Reject(RejectionReason.InvalidGuidance, $"guidance must be between {limits.MinGuidance} and {limits.MaxGuidance}, got {request.Guidance}");
        if (request.Seed < 0)
            return RequestValidation.Reject(RejectionReason.InvalidSeed, $"the seed must be zero or positive, got {request.Seed}");

        // The stage plan is pure arithmetic: building it here catches sizes a preset's smaller stages cannot use.
        try
        {
            ProgressiveResolutionPlan.Create(new VideoRequestGeometry(request.Height, request.Width, request.Frames), preset, request.Steps);
        }
        catch (ArgumentException e)
        {
            return RequestValidation.Reject(RejectionReason.InvalidSize, $"preset '{preset.Name}' cannot run {request.Width}x{request.Height}, {request.Frames} frames, {request.Steps} steps: {e.Message}");
        }

        return RequestValidation.Valid;
    }
}
