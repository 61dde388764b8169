using JengaFleet.Jenga.Presets;
using JengaFleet.Pipeline.Engine;
using Xunit;

namespace JengaFleet.Pipeline.Tests.Engine;

public class GenerationRequestValidatorTests
{
    private static readonly GenerationRequest Valid = new("a cat", null, "m", "base", 64, 48, 9, 4, 1, 6.0);

    private static RequestValidation Check(GenerationRequest r) => GenerationRequestValidator.Validate(r, "m", new EngineLimits());

    [Fact]
    public void A_valid_request_passes_for_every_preset_at_a_size_every_stage_can_use()
    {
        foreach (var preset in JengaPresets.Names)
            Assert.True(Check(Valid with { Preset = preset, Width = 256, Height = 128, Steps = 10 }).IsValid, preset);
    }

    public static TheoryData<GenerationRequest, RejectionReason> Invalid => new()
    {
        { Valid with { Prompt = " " }, RejectionReason.InvalidPrompt },
        { Valid with { Prompt = new string('x', 4001) }, RejectionReason.InvalidPrompt },
        { Valid with { Model = "other" }, RejectionReason.UnsupportedModel },
        { Valid with { Preset = "warp9" }, RejectionReason.UnknownPreset },
        { Valid with { Width = 100 }, RejectionReason.InvalidSize },
        { Valid with { Height = 0 }, RejectionReason.InvalidSize },
        { Valid with { Width = 1296 }, RejectionReason.InvalidSize },
        { Valid with { Frames = 10 }, RejectionReason.InvalidFrames },
        { Valid with { Frames = 133 }, RejectionReason.InvalidFrames },
        { Valid with { Frames = 0 }, RejectionReason.InvalidFrames },
        { Valid with { Steps = 1 }, RejectionReason.InvalidSteps },
        { Valid with { Steps = 101 }, RejectionReason.InvalidSteps },
        { Valid with { Guidance = double.NaN }, RejectionReason.InvalidGuidance },
        { Valid with { Guidance = 0.5 }, RejectionReason.InvalidGuidance },
        { Valid with { Seed = -1 }, RejectionReason.InvalidSeed },
        // 3stage shrinks to half size first: 16 px cannot shrink to a whole token.
        { Valid with { Preset = "3stage", Width = 16, Height = 16 }, RejectionReason.InvalidSize },
    };

    [Theory]
    [MemberData(nameof(Invalid))]
    public void Invalid_requests_are_rejected_with_their_reason_and_a_message(GenerationRequest request, RejectionReason reason)
    {
        var result = Check(request);
        Assert.False(result.IsValid);
        Assert.Equal(reason, result.Reason);
        Assert.False(string.IsNullOrWhiteSpace(result.Message));
    }

    [Fact]
    public void Preset_and_model_names_ignore_case() => Assert.True(Check(Valid with { Preset = "TURBO", Model = "M" }).IsValid);
}
