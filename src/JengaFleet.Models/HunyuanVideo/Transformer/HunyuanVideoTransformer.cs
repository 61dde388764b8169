using JengaFleet.Jenga.Attention;
using JengaFleet.Jenga.Blocks;
using JengaFleet.Jenga.Curves;
using JengaFleet.Models.HunyuanVideo.Transformer.Modules;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace JengaFleet.Models.HunyuanVideo.Transformer;

/// <summary>
/// The HunyuanVideo diffusion transformer (official <c>HYVideoDiffusionTransformer</c>; full size
/// <c>HYVideo-T/2-cfgdistill</c>), inference only. Field names equal the official module names, so
/// <c>state_dict()</c> keys are the checkpoint keys. Attention goes through the Jenga core's
/// <see cref="IAttentionBackend"/> over <c>[video tokens (curve order) | text tokens]</c>.
/// </summary>
public sealed class HunyuanVideoTransformer : nn.Module
{
    private readonly PatchEmbed img_in;
    private readonly SingleTokenRefiner txt_in;
    private readonly TimestepEmbedder time_in;
    private readonly MlpEmbedder vector_in;
    private readonly TimestepEmbedder? guidance_in;
    private readonly ModuleList<DoubleStreamBlock> double_blocks;
    private readonly ModuleList<SingleStreamBlock> single_blocks;
    private readonly FinalLayer final_layer;

    /// <param name="placement">Device and dtype of the parameters (<see cref="ParameterPlacement.Meta"/> allocates nothing).</param>
    public HunyuanVideoTransformer(HunyuanVideoTransformerConfig config, ParameterPlacement? placement = null) : base(nameof(HunyuanVideoTransformer))
    {
        config.Validate();
        Config = config;
        placement ??= ParameterPlacement.Cpu;
        long hidden = config.HiddenSize;
        img_in = new PatchEmbed(config.PatchSize, config.InChannels, hidden, placement);
        txt_in = new SingleTokenRefiner(config, placement);
        time_in = new TimestepEmbedder(hidden, placement);
        vector_in = new MlpEmbedder(config.TextStatesDim2, hidden, placement);
        guidance_in = config.GuidanceEmbed ? new TimestepEmbedder(hidden, placement) : null;
        double_blocks = new ModuleList<DoubleStreamBlock>(Enumerable.Range(0, config.DoubleBlocks).Select(_ => new DoubleStreamBlock(config, placement)).ToArray());
        single_blocks = new ModuleList<SingleStreamBlock>(Enumerable.Range(0, config.SingleBlocks).Select(_ => new SingleStreamBlock(config, placement)).ToArray());
        final_layer = new FinalLayer(config, placement);
        RegisterComponents();
    }

    public HunyuanVideoTransformerConfig Config { get; }

    /// <summary>dtype of the parameters; inputs are cast to it.</summary>
    public ScalarType DType => parameters().First().dtype;

    public Device Device => parameters().First().device;

    /// <summary>
    /// One denoising call: the velocity <c>[B, out_channels, T, H, W]</c> (model dtype) for a latent
    /// <c>[B, in_channels, T, H, W]</c>.
    /// </summary>
    /// <param name="latent">Noisy latent; cast to the model dtype.</param>
    /// <param name="timestep">[B], 0..1000 (<c>1000·sigma</c>).</param>
    /// <param name="text">Text states, mask and pooled CLIP vector.</param>
    /// <param name="guidance">[B] embedded guidance × 1000 (the reference feeds bf16(6.0)·1000 = 6016); required when the model has <c>guidance_in</c>.</param>
    /// <param name="context">Attention backend, curve, carving and step-skip state of this call.</param>
    public Tensor Forward(Tensor latent, Tensor timestep, TextConditioning text, Tensor? guidance, TransformerCallContext context)
    {
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        var (dtype, device) = (DType, Device);
        var grid = TokenGridOf(latent);
        var t = timestep.to(device);
        var vec = Vector(t, text.Pooled, guidance).Vec;
        var img = img_in.forward(latent.to(device).to(dtype));
        var txt = RefineText(text.States, t, text.Mask);
        var (cos, sin) = RotaryEmbedding.Tables(grid, Config.RopeDims, Config.RopeTheta, device);

        var curve = context.Curve;
        if (context.Carving is not null && curve is null)
            throw new ArgumentException("carved attention needs the curve order (block adjacency is defined on it)", nameof(context));
        if (curve is not null)
        {
            if (curve.Grid != grid)
                throw new ArgumentException($"the curve is for grid {curve.Grid} but the latent gives grid {grid}", nameof(context));
            var toCurve = tensor(curve.CurveToLinear, device: device).to(ScalarType.Int64);
            img = img.index_select(1, toCurve);
            cos = cos.index_select(0, toCurve);
            sin = sin.index_select(0, toCurve);
        }

        var layout = new BlockLayout(grid.TokenCount, (int)txt.shape[1]);
        var call = new AttentionCall(layout, text.ValidLengths(), context.Carving, context.Statistics);
        var attention = new BlockAttention(context.Attention, call);
        Tensor Blocks(Tensor tokens) => RunBlocks(tokens, txt, vec, cos, sin, attention);

        if (context.Cache is { } cache)
            img = cache.Apply(img, context.ComputeBlocks, Blocks);
        else if (context.ComputeBlocks)
            img = Blocks(img);
        else
            throw new ArgumentException("a skipped call needs a residual cache", nameof(context));

        if (curve is not null)
            img = img.index_select(1, tensor(curve.LinearToCurve, device: device).to(ScalarType.Int64));
        var patches = final_layer.forward(img, vec);
        return Unpatchify(patches, grid).MoveToOuterDisposeScope();
    }

    /// <summary>The modulation vector and its summands, <c>time_in(t) + vector_in(pooled) + guidance_in(g)</c>.</summary>
    public VectorConditioning Vector(Tensor timestep, Tensor pooled, Tensor? guidance)
    {
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        var device = Device;
        var timeIn = time_in.forward(timestep.to(device));
        var vectorIn = vector_in.forward(pooled.to(device).to(DType));
        var vec = timeIn.add(vectorIn);
        Tensor? guidanceIn = null;
        if (guidance_in is not null)
        {
            if (guidance is null)
                throw new ArgumentNullException(nameof(guidance), "this model embeds guidance (guidance_in); pass the embedded guidance × 1000");
            guidanceIn = guidance_in.forward(guidance.to(device));
            vec = vec.add(guidanceIn);
        }

        return new VectorConditioning(timeIn.MoveToOuterDisposeScope(), vectorIn.MoveToOuterDisposeScope(), guidanceIn?.MoveToOuterDisposeScope(), vec.MoveToOuterDisposeScope());
    }

    /// <summary>The token refiner (<c>txt_in</c>): text states <c>[B, L, text_states_dim]</c> -> <c>[B, L, C]</c>.</summary>
    public Tensor RefineText(Tensor textStates, Tensor timestep, Tensor? mask)
    {
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        var device = Device;
        return txt_in.forward(textStates.to(device).to(DType), timestep.to(device), mask?.to(device)).MoveToOuterDisposeScope();
    }

    /// <summary>The token grid <c>(T/pt, H/ph, W/pw)</c> of a latent; rejects shapes the patch size does not divide.</summary>
    public TokenGrid TokenGridOf(Tensor latent)
    {
        var p = Config.PatchSize;
        if (latent.ndim != 5 || latent.shape[1] != Config.InChannels || latent.shape[2] % p[0] != 0 || latent.shape[3] % p[1] != 0 || latent.shape[4] % p[2] != 0)
            throw new ArgumentException($"latent [{string.Join(", ", latent.shape)}] must be [B, {Config.InChannels}, T, H, W] with T, H, W divisible by the patch [{string.Join(", ", p)}]", nameof(latent));
        return new TokenGrid((int)latent.shape[2] / p[0], (int)latent.shape[3] / p[1], (int)latent.shape[4] / p[2]);
    }

    /// <summary>
    /// The 20 + 40 blocks. Each block's output replaces its input at once (disposed explicitly, not at the end of
    /// a scope): at 720p one activation is 0.7 GB, so keeping 60 of them alive would not fit.
    /// </summary>
    private Tensor RunBlocks(Tensor img, Tensor txt, Tensor vec, Tensor cos, Tensor sin, BlockAttention attention)
    {
        var (currentImg, currentTxt) = (img, txt);
        foreach (var block in double_blocks)
        {
            var (nextImg, nextTxt) = block.Forward(currentImg, currentTxt, vec, cos, sin, attention);
            Release(currentImg, img, txt);
            Release(currentTxt, img, txt);
            (currentImg, currentTxt) = (nextImg, nextTxt);
        }

        var imageTokens = (int)currentImg.shape[1];
        var x = cat([currentImg, currentTxt], 1);
        Release(currentImg, img, txt);
        Release(currentTxt, img, txt);
        foreach (var block in single_blocks)
        {
            var next = block.Forward(x, imageTokens, vec, cos, sin, attention);
            x.Dispose();
            x = next;
        }

        var output = x.narrow(1, 0, imageTokens).contiguous();
        x.Dispose();
        return output;
    }

    /// <summary>Disposes an intermediate activation, never the caller's inputs.</summary>
    private static void Release(Tensor t, Tensor input1, Tensor input2)
    {
        if (!ReferenceEquals(t, input1) && !ReferenceEquals(t, input2))
            t.Dispose();
    }

    /// <summary><c>[B, N, pt·ph·pw·C]</c> -> <c>[B, C, T·pt, h·ph, w·pw]</c> (official einsum <c>nthwcopq->nctohpwq</c>).</summary>
    private Tensor Unpatchify(Tensor patches, TokenGrid grid)
    {
        var p = Config.PatchSize;
        var c = Config.OutChannels;
        var batch = patches.shape[0];
        return patches.view(batch, grid.T, grid.H, grid.W, c, p[0], p[1], p[2])
            .permute(0, 4, 1, 5, 2, 6, 3, 7)
            .reshape(batch, c, grid.T * p[0], grid.H * p[1], grid.W * p[2]);
    }
}
