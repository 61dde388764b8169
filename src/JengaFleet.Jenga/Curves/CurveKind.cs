namespace JengaFleet.Jenga.Curves;

/// <summary>Which space-filling curve orders the video tokens.</summary>
public enum CurveKind
{
    /// <summary>One 3-D generalised Hilbert curve through the whole grid (HunyuanVideo).</summary>
    Gilbert,

    /// <summary>Frame after frame, each frame a 2-D Gilbert curve mirrored to join the previous one (Wan2.1).</summary>
    SlicedGilbert,
}
