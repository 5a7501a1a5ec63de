using System.Text;

namespace Elsa.Sim.Testing;

/// <summary>The key and value of one simulated message, as the handler under test receives them.</summary>
/// <param name="Key">The key, or empty.</param>
/// <param name="Value">The value.</param>
public sealed record MessageBody(ReadOnlyMemory<byte> Key, ReadOnlyMemory<byte> Value)
{
    /// <summary>A message whose key and value are UTF-8 text.</summary>
    public static MessageBody Utf8(string key, string value) => new(Encoding.UTF8.GetBytes(key), Encoding.UTF8.GetBytes(value));
}
