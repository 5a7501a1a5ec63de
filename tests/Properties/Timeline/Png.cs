using System.Buffers.Binary;
using System.IO.Compression;

namespace Elsa.Sim.Properties.Tests.Timeline;

/// <summary>The pixels of a PNG as Chromium writes screenshots: 8 bits per channel, RGB or RGBA, not interlaced. Just
/// enough decoding (chunks, zlib, scanline filters) for a test to look for colours in a rendered page.</summary>
internal sealed class Png
{
    private static readonly byte[] Signature = [0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A];

    private readonly byte[] _pixels;
    private readonly int _channels;

    private Png(int width, int height, int channels, byte[] pixels)
    {
        Width = width;
        Height = height;
        _channels = channels;
        _pixels = pixels;
    }

    public int Width { get; }

    public int Height { get; }

    public static Png Decode(byte[] file)
    {
        if (file.Length < Signature.Length || !file.AsSpan(0, Signature.Length).SequenceEqual(Signature))
        {
            throw new FormatException("not a PNG: the signature is missing");
        }

        int width = 0, height = 0, channels = 0;
        using var compressed = new MemoryStream();
        for (var at = Signature.Length; at + 8 <= file.Length;)
        {
            var length = BinaryPrimitives.ReadInt32BigEndian(file.AsSpan(at, 4));
            var type = System.Text.Encoding.ASCII.GetString(file, at + 4, 4);
            var data = file.AsSpan(at + 8, length);
            switch (type)
            {
                case "IHDR":
                    width = BinaryPrimitives.ReadInt32BigEndian(data[..4]);
                    height = BinaryPrimitives.ReadInt32BigEndian(data.Slice(4, 4));
                    var (bitDepth, colourType, interlace) = (data[8], data[9], data[12]);
                    channels = colourType switch
                    {
                        2 => 3,
                        6 => 4,
                        _ => throw new NotSupportedException($"PNG colour type {colourType} (only RGB and RGBA are decoded)"),
                    };
                    if (bitDepth != 8 || interlace != 0)
                    {
                        throw new NotSupportedException($"PNG bit depth {bitDepth}, interlace {interlace} (only 8-bit, not interlaced)");
                    }

                    break;
                case "IDAT":
                    compressed.Write(data);
                    break;
                default:
                    break;
            }

            // Length, type, data, CRC.
            at += 12 + length;
        }

        if (channels == 0)
        {
            throw new FormatException("not a PNG: no IHDR chunk");
        }

        var stride = width * channels;
        var filtered = new byte[height * (stride + 1)];
        compressed.Position = 0;
        using (var zlib = new ZLibStream(compressed, CompressionMode.Decompress))
        {
            zlib.ReadExactly(filtered);
        }

        return new Png(width, height, channels, Unfilter(filtered, width, height, channels));
    }

    /// <summary>The red, green and blue of a pixel.</summary>
    public (int R, int G, int B) Rgb(int x, int y)
    {
        var at = ((y * Width) + x) * _channels;
        return (_pixels[at], _pixels[at + 1], _pixels[at + 2]);
    }

    /// <summary>Undoes each scanline's filter (PNG spec, section 9): every byte was stored as its difference from a
    /// prediction made from the byte to its left (a), above (b) and above-left (c).</summary>
    private static byte[] Unfilter(byte[] filtered, int width, int height, int channels)
    {
        var stride = width * channels;
        var pixels = new byte[height * stride];
        var nothingAbove = new byte[stride];
        for (var y = 0; y < height; y++)
        {
            var filter = filtered[y * (stride + 1)];
            var source = filtered.AsSpan((y * (stride + 1)) + 1, stride);
            var row = pixels.AsSpan(y * stride, stride);
            ReadOnlySpan<byte> above = y == 0 ? nothingAbove : pixels.AsSpan((y - 1) * stride, stride);
            for (var i = 0; i < stride; i++)
            {
                int a = i >= channels ? row[i - channels] : 0, b = above[i], c = i >= channels ? above[i - channels] : 0;
                var prediction = filter switch
                {
                    0 => 0,
                    1 => a,
                    2 => b,
                    3 => (a + b) / 2,
                    4 => Paeth(a, b, c),
                    _ => throw new FormatException($"PNG row {y} has unknown filter {filter}"),
                };
                row[i] = unchecked((byte)(source[i] + prediction));
            }
        }

        return pixels;
    }

    private static int Paeth(int a, int b, int c)
    {
        var p = a + b - c;
        var (pa, pb, pc) = (Math.Abs(p - a), Math.Abs(p - b), Math.Abs(p - c));
        return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
    }
}
