namespace JengaFleet.Jenga.Curves;

/// <summary>
/// Wan2.1's curve: latent frames one after another, each traversed by the 2-D Gilbert curve, mirrored
/// so that a frame starts near where the previous one ended. The mirroring decision is absolute: it
/// looks at which half of the grid the previous frame's last cell lies in (real-number comparison
/// with W/2 and H/2), not at the previous frame's own mirroring.
/// </summary>
public static class SlicedGilbertCurve
{
    /// <summary>Raster indices (<c>t*H*W + y*W + x</c>) in curve order.</summary>
    public static int[] Order(int frames, int height, int width)
    {
        var plane = GilbertCurve.Order(width, height, 1);
        var frameTokens = plane.Length;
        var order = new int[checked(frames * frameTokens)];
        bool flipX = false, flipY = false;
        for (var t = 0; t < frames; t++)
        {
            if (t > 0)
            {
                var last = order[t * frameTokens - 1] - (t - 1) * frameTokens;
                int ex = last % width, ey = last / width;
                flipX = ex >= width / 2.0;
                flipY = ey >= height / 2.0;
            }

            for (var k = 0; k < frameTokens; k++)
            {
                int x = plane[k] % width, y = plane[k] / width;
                if (flipX) x = width - 1 - x;
                if (flipY) y = height - 1 - y;
                order[t * frameTokens + k] = t * frameTokens + y * width + x;
            }
        }

        return order;
    }
}
