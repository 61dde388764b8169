namespace JengaFleet.Jenga.Curves;

/// <summary>
/// The generalised Hilbert ("Gilbert") curve through a W x H x D box of lattice points, as the
/// Jenga reference computes it. The recursion below follows the reference's split rules exactly:
/// any other valid curve would put different tokens into the same 128-token block and so change
/// the carving masks.
/// </summary>
public static class GilbertCurve
{
    /// <summary>
    /// Raster indices (<c>z*H*W + y*W + x</c>) in curve order for a box of width W (x), height H (y), depth D (z).
    /// </summary>
    public static int[] Order(int width, int height, int depth)
    {
        if (width < 1 || height < 1 || depth < 1)
            throw new ArgumentOutOfRangeException(nameof(width), $"box must be at least 1x1x1, got {width}x{height}x{depth}");
        var emitter = new Emitter(width, height, checked(width * height * depth));
        var origin = new Vec3(0, 0, 0);
        // The largest extent becomes the major axis; ties prefer width, then height.
        if (width >= height && width >= depth)
            emitter.Fill(origin, new Vec3(width, 0, 0), new Vec3(0, height, 0), new Vec3(0, 0, depth));
        else if (height >= width && height >= depth)
            emitter.Fill(origin, new Vec3(0, height, 0), new Vec3(width, 0, 0), new Vec3(0, 0, depth));
        else
            emitter.Fill(origin, new Vec3(0, 0, depth), new Vec3(width, 0, 0), new Vec3(0, height, 0));
        if (emitter.Count != emitter.Output.Length)
            throw new InvalidOperationException($"Gilbert curve emitted {emitter.Count} of {emitter.Output.Length} points");
        return emitter.Output;
    }

    private readonly record struct Vec3(int X, int Y, int Z)
    {
        public static Vec3 operator +(Vec3 a, Vec3 b) => new(a.X + b.X, a.Y + b.Y, a.Z + b.Z);
        public static Vec3 operator -(Vec3 a, Vec3 b) => new(a.X - b.X, a.Y - b.Y, a.Z - b.Z);
        public static Vec3 operator -(Vec3 a) => new(-a.X, -a.Y, -a.Z);

        /// <summary>Length along the (single) axis the vector points at.</summary>
        public int Length => Math.Abs(X + Y + Z);

        public Vec3 Unit => new(Math.Sign(X), Math.Sign(Y), Math.Sign(Z));

        /// <summary>
        /// Half the vector with floor division (arithmetic shift: -45 >> 1 = -23, where C# '/' would give -22),
        /// then nudged to an even length when the vector is longer than 2 so sub-boxes keep the curve connected.
        /// </summary>
        public Vec3 Half()
        {
            var half = new Vec3(X >> 1, Y >> 1, Z >> 1);
            return half.Length % 2 != 0 && Length > 2 ? half + Unit : half;
        }
    }

    private sealed class Emitter(int width, int height, int count)
    {
        public int[] Output { get; } = new int[count];

        public int Count { get; private set; }

        private void Emit(Vec3 p) => Output[Count++] = (p.Z * height + p.Y) * width + p.X;

        private void Line(Vec3 p, Vec3 step, int n)
        {
            for (var i = 0; i < n; i++, p += step)
                Emit(p);
        }

        public void Fill(Vec3 p, Vec3 a, Vec3 b, Vec3 c)
        {
            int w = a.Length, h = b.Length, d = c.Length;
            Vec3 da = a.Unit, db = b.Unit, dc = c.Unit;

            if (h == 1 && d == 1) { Line(p, da, w); return; }
            if (w == 1 && d == 1) { Line(p, db, h); return; }
            if (w == 1 && h == 1) { Line(p, dc, d); return; }

            Vec3 a2 = a.Half(), b2 = b.Half(), c2 = c.Half();

            if (2 * w > 3 * h && 2 * w > 3 * d)
            {
                // Wide box: split the major axis only.
                Fill(p, a2, b, c);
                Fill(p + a2, a - a2, b, c);
            }
            else if (3 * h > 4 * d)
            {
                // Flat in depth: do not split c.
                Fill(p, b2, c, a2);
                Fill(p + b2, a, b - b2, c);
                Fill(p + (a - da) + (b2 - db), -b2, c, -(a - a2));
            }
            else if (3 * d > 4 * h)
            {
                // Flat in height: do not split b.
                Fill(p, c2, a2, b);
                Fill(p + c2, a, b, c - c2);
                Fill(p + (a - da) + (c2 - dc), -c2, -(a - a2), b);
            }
            else
            {
                // Regular case: split all three axes into five sub-boxes.
                Fill(p, b2, c2, a2);
                Fill(p + b2, c, a2, b - b2);
                Fill(p + (b2 - db) + (c - dc), a, -b2, -(c - c2));
                Fill(p + (a - da) + b2 + (c - dc), -c, -(a - a2), b - b2);
                Fill(p + (a - da) + (b2 - db), -b2, c2, -(a - a2));
            }
        }
    }
}
