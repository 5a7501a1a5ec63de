using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using Elsa.Sim.Core;

namespace Elsa.Sim.Simulation;

/// <summary>Receives a run's trace as JSON Lines: a header (seed, configuration, fault plan, version), one line per
/// machine step (time, member, event, effects), one per fault fired, and a verdict. Always hashes what it receives
/// (SHA-256), and writes it to a file when given one. Two runs of one seed must produce the same hash.</summary>
public sealed class TraceSink : IDisposable
{
    internal static readonly JsonSerializerOptions Json = new()
    {
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        Converters = { new System.Text.Json.Serialization.JsonStringEnumConverter(), new StartPositionJsonConverter() },
    };

    private readonly IncrementalHash _hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
    private readonly TextWriter? _writer;
    private readonly bool _ownsWriter;
    private readonly StringBuilder _line = new();
    private string? _finalHash;

    private TraceSink(TextWriter? writer, bool ownsWriter)
    {
        _writer = writer;
        _ownsWriter = ownsWriter;
    }

    /// <summary>A sink that only hashes.</summary>
    public static TraceSink HashOnly() => new(null, ownsWriter: false);

    /// <summary>A sink that hashes and writes to <paramref name="path"/> (created or overwritten).</summary>
    public static TraceSink ToFile(string path) => new(new StreamWriter(path, append: false, new UTF8Encoding(false)) { NewLine = "\n" }, ownsWriter: true);

    /// <summary>A sink that hashes and writes each line to <paramref name="writer"/> (with the writer's own line ending),
    /// which stays open: the caller owns it.</summary>
    public static TraceSink ToWriter(TextWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        return new(writer, ownsWriter: false);
    }

    /// <summary>The hex SHA-256 of every line received; finishes the trace.</summary>
    public string Hash
    {
        get
        {
            _finalHash ??= Convert.ToHexStringLower(_hash.GetHashAndReset());
            _writer?.Flush();
            return _finalHash;
        }
    }

    /// <summary>The hash of a trace file: SHA-256 over each line's UTF-8 bytes and a newline, exactly as the sink that wrote
    /// it hashed them. Equal to a replay's <see cref="Hash"/> when the replay reproduced the file.</summary>
    /// <exception cref="IOException">When the file cannot be read.</exception>
    public static string HashFile(string path)
    {
        using var reader = new StreamReader(path, new UTF8Encoding(false));
        using var sink = HashOnly();
        while (reader.ReadLine() is { } line)
        {
            sink.WriteLine(line);
        }

        return sink.Hash;
    }

    internal void Header(TraceHeader header) => WriteLine(JsonSerializer.Serialize(header, Json));

    internal void Step(long nowMs, int member, GroupEvent @event, ValueList<GroupEffect> effects)
    {
        _line.Clear();
        _line.Append("{\"t\":").Append(nowMs).Append(",\"m\":").Append(member).Append(",\"event\":");
        AppendString(@event.ToString());
        _line.Append(",\"effects\":[");
        for (var i = 0; i < effects.Count; i++)
        {
            if (i > 0)
            {
                _line.Append(',');
            }

            AppendString(effects[i].ToString());
        }

        _line.Append("]}");
        WriteLine(_line.ToString());
    }

    internal void Note(long nowMs, string kind, string text)
    {
        _line.Clear();
        _line.Append("{\"t\":").Append(nowMs).Append(",\"").Append(kind).Append("\":");
        AppendString(text);
        _line.Append('}');
        WriteLine(_line.ToString());
    }

    private void AppendString(string value) => _line.Append(JsonSerializer.Serialize(value, Json));

    private void WriteLine(string line)
    {
        if (_finalHash is not null)
        {
            throw new InvalidOperationException("the trace is finished");
        }

        _hash.AppendData(Encoding.UTF8.GetBytes(line));
        _hash.AppendData("\n"u8);
        _writer?.WriteLine(line);
    }

    /// <inheritdoc />
    public void Dispose()
    {
        if (_ownsWriter)
        {
            _writer?.Dispose();
        }
        else
        {
            _writer?.Flush();
        }

        _hash.Dispose();
    }
}
